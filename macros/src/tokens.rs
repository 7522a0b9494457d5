//! Reading and writing the function-like macros' tokens (`select!`,
//! `join!`, `try_join!`): where an expression ends in a token list, and a
//! small builder that writes an expansion from fixed code and the user's
//! own tokens (which keep their spans, so rustc's errors point into the
//! user's code).

use proc_macro::{Delimiter, Group, Spacing, Span, TokenStream, TokenTree};

/// The tokens of a macro's input, read left to right.
#[derive(Debug)]
pub(crate) struct Tokens {
    tokens: Vec<TokenTree>,
    pos: usize,
}

impl Tokens {
    pub(crate) fn new(input: TokenStream) -> Tokens {
        Tokens { tokens: input.into_iter().collect(), pos: 0 }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    pub(crate) fn peek(&self, ahead: usize) -> Option<&TokenTree> {
        self.tokens.get(self.pos + ahead)
    }

    pub(crate) fn next(&mut self) -> Option<TokenTree> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += token.is_some() as usize;
        token
    }

    /// The span of the next token, or of the last one at the end.
    pub(crate) fn span(&self) -> Span {
        self.peek(0).or(self.tokens.last()).map_or_else(Span::call_site, TokenTree::span)
    }

    /// Whether the next tokens are the identifier `word` and then `;`
    /// (`biased;`); takes them if so.
    pub(crate) fn take_word_semi(&mut self, word: &str) -> bool {
        let found = matches!(self.peek(0), Some(TokenTree::Ident(i)) if i.to_string() == word)
            && matches!(self.peek(1), Some(TokenTree::Punct(p)) if p.as_char() == ';');
        if found {
            self.pos += 2;
        }
        found
    }

    /// Whether the next token is the identifier `word`.
    pub(crate) fn at_word(&self, ahead: usize, word: &str) -> bool {
        matches!(self.peek(ahead), Some(TokenTree::Ident(i)) if i.to_string() == word)
    }

    /// Whether the next tokens are `=>`.
    pub(crate) fn at_fat_arrow(&self, ahead: usize) -> bool {
        matches!(self.peek(ahead), Some(TokenTree::Punct(p)) if p.as_char() == '=' && p.spacing() == Spacing::Joint)
            && matches!(self.peek(ahead + 1), Some(TokenTree::Punct(p)) if p.as_char() == '>')
    }

    /// Whether the next token is `c` on its own (not the start of `=>`,
    /// `==`, `::`, ...), and not the end of one either (`..=`, `<=`).
    pub(crate) fn at_punct(&self, ahead: usize, c: char) -> bool {
        let alone =
            matches!(self.peek(ahead), Some(TokenTree::Punct(p)) if p.as_char() == c && p.spacing() == Spacing::Alone);
        let joined_to_previous = match self.pos.checked_add(ahead).and_then(|i| i.checked_sub(1)) {
            Some(i) => matches!(self.tokens.get(i), Some(TokenTree::Punct(p)) if p.spacing() == Spacing::Joint),
            None => false,
        };
        alone && !joined_to_previous
    }

    /// Takes tokens up to (not including) the first place where `stop`
    /// holds outside a turbofish's angle brackets (`f::<A, B>()`: rustc
    /// groups `()`, `[]` and `{}` itself, but not `<>`).
    pub(crate) fn take_until(&mut self, stop: impl Fn(&Tokens) -> bool) -> TokenStream {
        let start = self.pos;
        let mut angle = 0usize;
        while !self.is_empty() && (angle > 0 || !stop(self)) {
            if let Some(TokenTree::Punct(p)) = self.peek(0) {
                match p.as_char() {
                    '<' if angle > 0 || self.after_path_separator() => angle += 1,
                    '>' if angle > 0 => angle -= 1,
                    _ => {}
                }
            }
            self.pos += 1;
        }
        self.tokens[start..self.pos].iter().cloned().collect()
    }

    /// Whether the token before the next one ends `::`.
    fn after_path_separator(&self) -> bool {
        self.pos >= 2
            && matches!(&self.tokens[self.pos - 2..self.pos], [TokenTree::Punct(a), TokenTree::Punct(b)]
                if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':')
    }
}

/// An expansion being written: fixed code (parsed from text, spanned at the
/// macro's call site) and the user's tokens, as they came.
#[derive(Debug, Default)]
pub(crate) struct Code(TokenStream);

impl Code {
    /// Appends fixed code; `src` must be whole token trees.
    pub(crate) fn s(&mut self, src: &str) -> &mut Code {
        self.0.extend(src.parse::<TokenStream>().expect("the macros' own code is valid Rust"));
        self
    }

    /// Appends the user's tokens.
    pub(crate) fn t(&mut self, tokens: TokenStream) -> &mut Code {
        self.0.extend(tokens);
        self
    }

    /// Appends a group whose inside `inner` writes.
    pub(crate) fn g(&mut self, delimiter: Delimiter, inner: impl FnOnce(&mut Code)) -> &mut Code {
        let mut code = Code::default();
        inner(&mut code);
        self.0.extend([TokenTree::Group(Group::new(delimiter, code.0))]);
        self
    }

    pub(crate) fn finish(self) -> TokenStream {
        self.0
    }
}
