//! Compile errors for misuse of the macros.
//!
//! An [`Error`] is one message plus the source range it blames. It becomes a
//! `::core::compile_error!{"..."}` invocation whose tokens carry that range:
//! the path and `!` start it and the braces end it, so rustc underlines
//! exactly the offending tokens of the user's code. [`Error::emit`] puts the
//! error in front of the item that `expand.rs` chose to re-emit, so the rest
//! of the user's code still resolves and an IDE keeps working (tokio-macros'
//! `token_stream_with_error` does the same).

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// A misuse of `#[runtime::main]` or `#[runtime::test]`, blamed on `start..end`.
#[derive(Debug)]
pub(crate) struct Error {
    start: Span,
    end: Span,
    msg: String,
}

impl Error {
    /// An error that points at the one token (or group) at `span`.
    pub(crate) fn new(span: Span, msg: impl Into<String>) -> Error {
        Error::spanning(span, span, msg)
    }

    /// An error that points from the token at `start` to the token at `end`.
    ///
    /// rustc joins the two when they come from the same file; otherwise it
    /// falls back to `start`.
    pub(crate) fn spanning(start: Span, end: Span, msg: impl Into<String>) -> Error {
        let msg = msg.into();
        Error { start, end, msg }
    }

    /// The `compile_error!` invocation for this error, followed by `item`.
    pub(crate) fn emit(self, item: TokenStream) -> TokenStream {
        let mut out = self.compile_error();
        out.extend(item);
        out
    }

    /// `::core::compile_error!{"msg"}`, every token spanned on the user's code.
    fn compile_error(&self) -> TokenStream {
        let mut msg = Literal::string(&self.msg);
        msg.set_span(self.end);
        let mut braces = Group::new(Delimiter::Brace, TokenTree::from(msg).into());
        braces.set_span(self.end);
        let start = self.start;
        TokenStream::from_iter([
            punct(':', Spacing::Joint, start),
            punct(':', Spacing::Alone, start),
            Ident::new("core", start).into(),
            punct(':', Spacing::Joint, start),
            punct(':', Spacing::Alone, start),
            Ident::new("compile_error", start).into(),
            punct('!', Spacing::Alone, start),
            braces.into(),
        ])
    }
}

fn punct(ch: char, spacing: Spacing, span: Span) -> TokenTree {
    let mut punct = Punct::new(ch, spacing);
    punct.set_span(span);
    punct.into()
}
