//! What the macros accept, and the code they write.
//!
//! [`entry`] is the whole pipeline: read the item (`parse.rs`), check that its
//! signature is a plain `async fn name(<args>) [-> R]` (no arguments for a
//! test or a function named `main`), read the options, and build
//!
//! ```text
//! #[::core::prelude::v1::test]      // only for #[runtime::test]
//! <attrs> <vis> fn name(<args>) [-> R] {
//!     let body = async move { <the user's body, untouched> };
//!     ::runtime::Builder::new()
//!         <.driver(..)> <.event_capacity(..)> <.start_paused(..)> <.unhandled_panic(..)>
//!         .build()
//!         .expect("failed to start the runtime")
//!         .block_on(body)
//! }
//! ```
//!
//! `#[runtime::test]` adds `.unhandled_panic(ShutdownRuntime)` unless the user
//! chose. On misuse the output is the error plus [`fallback`], an item that
//! keeps the user's code resolvable without a second error.

use crate::error::Error;
use crate::parse::{self, AsyncFn, Options};
use crate::Kind;
use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// Expands `#[runtime::main]` or `#[runtime::test]` (as `kind`) on `item`.
pub(crate) fn entry(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let expanded = parse::parse_fn(item.clone(), kind).and_then(|f| {
        check(kind, &f)?;
        let options = parse::parse_options(args)?;
        Ok(expand(kind, f, options))
    });
    expanded.unwrap_or_else(|error| error.emit(fallback(item)))
}

/// Rejects any signature but `async fn name(..) [-> R]`, with a message
/// that says what to write instead. As with tokio, arguments (a `self`
/// receiver among them: tokio issue 3766) are refused only on a function
/// named `main`, the program's entry point, and on tests.
fn check(kind: Kind, f: &AsyncFn) -> Result<(), Error> {
    check_qualifiers(kind, f)?;
    check_generics(kind, f)?;
    if !f.inputs.stream().is_empty() {
        let msg = match kind {
            Kind::Main if f.name.to_string() == "main" => {
                "the main function cannot accept arguments: remove them and read `std::env::args()` inside"
            }
            Kind::Main => return check_test_attribute(kind, f),
            Kind::Test => "`#[runtime::test]` functions take no arguments",
        };
        return Err(Error::new(f.inputs.span(), msg));
    }
    check_test_attribute(kind, f)
}

/// `async` is required; `const`, `extern` and `unsafe` are refused.
fn check_qualifiers(kind: Kind, f: &AsyncFn) -> Result<(), Error> {
    let attr = kind.attr();
    if let Some(constness) = &f.quals.constness {
        let msg = format!("{attr} cannot be used on a `const fn`: remove `const`");
        return Err(Error::new(constness.span(), msg));
    }
    if let Some((extern_token, abi)) = &f.quals.abi {
        let written = abi.as_ref().map_or(String::new(), |abi| format!(" {abi}"));
        let msg = format!("{attr} cannot be used on an `extern fn`: remove `extern{written}`");
        let end = abi.as_ref().map_or(extern_token.span(), Literal::span);
        return Err(Error::spanning(extern_token.span(), end, msg));
    }
    if let Some(unsafety) = &f.quals.unsafety {
        let hint = "remove `unsafe` and write an `unsafe { ... }` block inside";
        let msg = format!("{attr} cannot be used on an `unsafe fn`: {hint}");
        return Err(Error::new(unsafety.span(), msg));
    }
    if f.quals.asyncness.is_none() {
        let msg = "the `async` keyword is missing from the function declaration";
        let msg = format!("{msg}: write `async fn {}()`", f.name);
        return Err(Error::new(f.fn_token.span(), msg));
    }
    Ok(())
}

/// `<T>` after the name, or a `where` clause after the return type.
fn check_generics(kind: Kind, f: &AsyncFn) -> Result<(), Error> {
    let is_where = |t: &TokenTree| matches!(t, TokenTree::Ident(i) if i.to_string() == "where");
    let generics = match f.output.iter().position(is_where) {
        _ if !f.generics.is_empty() => &f.generics[..],
        Some(at) => &f.output[at..],
        None => return Ok(()),
    };
    let (start, end) = (generics[0].span(), generics[generics.len() - 1].span());
    let msg = format!("{} functions cannot be generic", kind.attr());
    Err(Error::spanning(start, end, msg))
}

/// `#[runtime::test]` adds `#[test]` itself: a second test attribute would
/// register the function twice.
fn check_test_attribute(kind: Kind, f: &AsyncFn) -> Result<(), Error> {
    let found = f.attrs.chunks(2).find(|pair| is_test_path(&pair[1]));
    match found {
        Some(pair) if kind == Kind::Test => {
            let msg = "`#[runtime::test]` already makes this function a test: remove this attribute";
            Err(Error::spanning(pair[0].span(), pair[1].span(), msg))
        }
        _ => Ok(()),
    }
}

/// `[test]`, `[core::prelude::v1::test]`, `[tokio::test]`: a bare path ending in `test`.
fn is_test_path(attribute: &TokenTree) -> bool {
    let TokenTree::Group(group) = attribute else {
        return false;
    };
    let path: Vec<TokenTree> = group.stream().into_iter().collect();
    let is_path_token =
        |t: &TokenTree| matches!(t, TokenTree::Ident(_)) || matches!(t, TokenTree::Punct(p) if p.as_char() == ':');
    path.iter().all(is_path_token) && matches!(path.last(), Some(TokenTree::Ident(i)) if i.to_string() == "test")
}

/// The function, without `async`, running its body on a new runtime.
fn expand(kind: Kind, f: AsyncFn, options: Options) -> TokenStream {
    let mut out = TokenStream::new();
    if kind == Kind::Test {
        out.extend(fragment("#[::core::prelude::v1::test]", Span::call_site()));
    }
    out.extend(f.attrs);
    out.extend(f.vis);
    out.extend([TokenTree::Ident(f.fn_token), f.name.into(), f.inputs.into()]);
    out.extend(f.output);
    let span = f.body.span();
    let mut body = Group::new(Delimiter::Brace, block_on(kind, f.body, options));
    body.set_span(span);
    out.extend([TokenTree::Group(body)]);
    out
}

/// `let body = async move { .. }; ::runtime::Builder::new()...block_on(body)`.
///
/// The builder chain is located at the user's body (resolved at the
/// attribute), so a body whose type does not match `-> R` is blamed on the
/// body, as rustc does for a plain `fn`.
fn block_on(kind: Kind, user_body: Group, options: Options) -> TokenStream {
    let at = Span::call_site().located_at(user_body.span());
    let body = |span: Span| TokenTree::Ident(Ident::new("body", span));
    let mut out = fragment("let", Span::call_site());
    out.extend([body(Span::mixed_site()), Punct::new('=', Spacing::Alone).into()]);
    out.extend(fragment("async move", Span::call_site()));
    out.extend([TokenTree::Group(user_body), Punct::new(';', Spacing::Alone).into()]);
    out.extend(fragment("::runtime::Builder::new()", at));
    out.extend(builder_calls(kind, options, at));
    let start = ".build().expect(\"failed to start the runtime\").block_on";
    out.extend(fragment(start, at));
    let arg = body(Span::mixed_site().located_at(at)).into();
    out.extend([group(Delimiter::Parenthesis, arg, at)]);
    out
}

/// One builder call per option given, plus the test default for panics.
fn builder_calls(kind: Kind, options: Options, at: Span) -> TokenStream {
    let mut out = TokenStream::new();
    if let Some((variant, span)) = options.driver {
        out.extend(call("driver", variant_path("Driver", variant, span, at), at));
    }
    if let Some(capacity) = options.event_capacity {
        out.extend(call("event_capacity", TokenTree::Literal(capacity).into(), at));
    }
    if let Some(paused) = options.start_paused {
        out.extend(call("start_paused", TokenTree::Ident(paused).into(), at));
    }
    let test_default = (kind == Kind::Test).then_some(("ShutdownRuntime", at));
    if let Some((variant, span)) = options.unhandled_panic.or(test_default) {
        let arg = variant_path("UnhandledPanic", variant, span, at);
        out.extend(call("unhandled_panic", arg, at));
    }
    out
}

/// `.method(arg)`.
fn call(method: &str, arg: TokenStream, at: Span) -> TokenStream {
    let mut out = fragment(&format!(".{method}"), at);
    out.extend([group(Delimiter::Parenthesis, arg, at)]);
    out
}

/// `::runtime::Enum::Variant`, the variant spanned on the literal that chose it.
fn variant_path(enum_name: &str, variant: &str, span: Span, at: Span) -> TokenStream {
    let mut out = fragment(&format!("::runtime::{enum_name}::"), at);
    out.extend([TokenTree::Ident(Ident::new(variant, span))]);
    out
}

fn group(delimiter: Delimiter, stream: TokenStream, span: Span) -> TokenTree {
    let mut group = Group::new(delimiter, stream);
    group.set_span(span);
    group.into()
}

/// A fixed piece of the expansion, every token spanned at `span`.
fn fragment(source: &str, span: Span) -> TokenStream {
    respan(source.parse().expect("the macros' own fragments are valid Rust"), span)
}

fn respan(stream: TokenStream, span: Span) -> TokenStream {
    let respan_tree = |token: TokenTree| match token {
        TokenTree::Group(g) => group(g.delimiter(), respan(g.stream(), span), span),
        mut token => {
            token.set_span(span);
            token
        }
    };
    stream.into_iter().map(respan_tree).collect()
}

/// What misuse re-emits next to its error: the item as written, so the
/// user's code still resolves. A function named `main` is nested in a plain
/// `fn main() {}`, because as the entry point an `async`, generic or
/// argument-taking `main` would add rustc's own error to ours.
fn fallback(item: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = item.clone().into_iter().collect();
    let is_main = tokens.windows(2).any(|pair| match pair {
        [TokenTree::Ident(f), TokenTree::Ident(name)] => f.to_string() == "fn" && name.to_string() == "main",
        _ => false,
    });
    if !is_main {
        return item;
    }
    let mut out = fragment("fn main()", Span::call_site());
    out.extend([TokenTree::Group(Group::new(Delimiter::Brace, item))]);
    out
}
