//! The token scanner: the annotated item into an [`AsyncFn`], the attribute's
//! arguments into [`Options`].
//!
//! There is no syn here, so this reads only the shape the macros accept, one
//! token tree at a time: outer attributes, a visibility, qualifiers, `fn`,
//! the name, generics, the argument group, the return type and the body
//! group. Nothing inside those is looked at: it is passed on as the user
//! wrote it, spans and all. `expand.rs` calls [`parse_fn`], checks the
//! signature, then calls [`parse_options`]; the first problem found becomes
//! an [`Error`] that says what to write instead.

use crate::error::Error;
use crate::Kind;
use proc_macro::{Delimiter, Group, Ident, Literal, Span, TokenStream, TokenTree};

/// The pieces of a function item, each as written.
#[derive(Debug)]
pub(crate) struct AsyncFn {
    /// Outer attributes and doc comments: `#` and its `[...]` group, in order.
    pub(crate) attrs: Vec<TokenTree>,
    /// `pub`, `pub(crate)`, ... or nothing.
    pub(crate) vis: Vec<TokenTree>,
    pub(crate) quals: Qualifiers,
    pub(crate) fn_token: Ident,
    pub(crate) name: Ident,
    /// Everything between the name and the arguments: `<...>`, or nothing.
    pub(crate) generics: Vec<TokenTree>,
    /// The `(...)` group.
    pub(crate) inputs: Group,
    /// `-> R` and any `where` clause, or nothing.
    pub(crate) output: Vec<TokenTree>,
    /// The `{ ... }` body, never re-tokenized.
    pub(crate) body: Group,
}

/// The qualifiers between the visibility and `fn`, as written.
#[derive(Debug, Default)]
pub(crate) struct Qualifiers {
    pub(crate) asyncness: Option<Ident>,
    pub(crate) constness: Option<Ident>,
    pub(crate) unsafety: Option<Ident>,
    /// `extern` and, when written, its ABI string.
    pub(crate) abi: Option<(Ident, Option<Literal>)>,
}

/// The options written in `#[runtime::main(...)]`, each with the user's spans.
#[derive(Debug, Default)]
pub(crate) struct Options {
    /// The `::runtime::Driver` variant and the span of the literal naming it.
    pub(crate) driver: Option<(&'static str, Span)>,
    /// The integer literal, as written.
    pub(crate) event_capacity: Option<Literal>,
    /// The `::runtime::UnhandledPanic` variant and the span of its literal.
    pub(crate) unhandled_panic: Option<(&'static str, Span)>,
    /// `true` or `false`, as written.
    pub(crate) start_paused: Option<Ident>,
    /// Whether `flavor = "current_thread"` was written (it changes nothing).
    pub(crate) flavor: bool,
}

/// A position in a flat list of token trees.
struct Cursor {
    tokens: Vec<TokenTree>,
    pos: usize,
}

impl Cursor {
    fn new(stream: TokenStream) -> Cursor {
        Cursor { tokens: flatten(stream), pos: 0 }
    }

    fn peek(&self) -> Option<&TokenTree> {
        self.tokens.get(self.pos)
    }

    /// The span of the next token, or of the attribute if none is left.
    fn span(&self) -> Span {
        self.peek().map_or_else(Span::call_site, TokenTree::span)
    }

    /// Takes the next token if `pred` accepts it.
    fn eat(&mut self, pred: impl FnOnce(&TokenTree) -> bool) -> Option<TokenTree> {
        let token = self.peek().filter(|t| pred(t)).cloned();
        self.pos += usize::from(token.is_some());
        token
    }

    fn eat_ident(&mut self, word: &str) -> Option<Ident> {
        match self.eat(|t| matches!(t, TokenTree::Ident(i) if i.to_string() == word)) {
            Some(TokenTree::Ident(ident)) => Some(ident),
            _ => None,
        }
    }

    fn eat_punct(&mut self, ch: char) -> bool {
        self.eat(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ch)).is_some()
    }

    fn eat_literal(&mut self) -> Option<Literal> {
        match self.eat(|t| matches!(t, TokenTree::Literal(_))) {
            Some(TokenTree::Literal(literal)) => Some(literal),
            _ => None,
        }
    }

    fn eat_group(&mut self, delimiter: Delimiter) -> Option<Group> {
        match self.eat(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == delimiter)) {
            Some(TokenTree::Group(group)) => Some(group),
            _ => None,
        }
    }
}

/// Reads the item under the attribute; anything but a function with a body
/// is an error.
pub(crate) fn parse_fn(item: TokenStream, kind: Kind) -> Result<AsyncFn, Error> {
    let mut c = Cursor::new(item);
    let attrs = attributes(&mut c);
    let vis = visibility(&mut c);
    let not_a_fn = Error::new(c.span(), format!("{} goes on an `async fn`", kind.attr()));
    let quals = qualifiers(&mut c);
    let (Some(fn_token), Some(TokenTree::Ident(name))) = (c.eat_ident("fn"), c.eat(|_| true)) else {
        return Err(not_a_fn);
    };
    let is_inputs = |t: &TokenTree| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis);
    let generics_start = c.pos;
    while c.eat(|t| !is_inputs(t)).is_some() {}
    let generics = c.tokens[generics_start..c.pos].to_vec();
    let inputs = c.eat_group(Delimiter::Parenthesis);
    let mut output = c.tokens[c.pos..].to_vec();
    let (Some(inputs), Some(TokenTree::Group(body))) = (inputs, output.pop()) else {
        return Err(not_a_fn);
    };
    if body.delimiter() != Delimiter::Brace {
        return Err(not_a_fn);
    }
    Ok(AsyncFn { attrs, vis, quals, fn_token, name, generics, inputs, output, body })
}

/// `#[...]` pairs, doc comments included (they arrive as `#[doc = "..."]`).
fn attributes(c: &mut Cursor) -> Vec<TokenTree> {
    let mut attrs = Vec::new();
    while let [TokenTree::Punct(pound), TokenTree::Group(group), ..] = &c.tokens[c.pos..] {
        if pound.as_char() != '#' || group.delimiter() != Delimiter::Bracket {
            break;
        }
        attrs.extend_from_slice(&c.tokens[c.pos..c.pos + 2]);
        c.pos += 2;
    }
    attrs
}

fn visibility(c: &mut Cursor) -> Vec<TokenTree> {
    let Some(public) = c.eat_ident("pub") else {
        return Vec::new();
    };
    let restriction = c.eat_group(Delimiter::Parenthesis).map(TokenTree::Group);
    [TokenTree::Ident(public)].into_iter().chain(restriction).collect()
}

/// `async`, `const`, `unsafe` and `extern "abi"`, in any order.
fn qualifiers(c: &mut Cursor) -> Qualifiers {
    let mut q = Qualifiers::default();
    while let Some(TokenTree::Ident(word)) = c.peek().cloned() {
        c.pos += 1;
        match word.to_string().as_str() {
            "async" => q.asyncness = Some(word),
            "const" => q.constness = Some(word),
            "unsafe" => q.unsafety = Some(word),
            "extern" => q.abi = Some((word, c.eat_literal())),
            _ => {
                c.pos -= 1;
                break;
            }
        }
    }
    q
}

const OPTIONS: &str = "the options are `driver = \"epoll\"|\"kqueue\"|\"uring\"`, `event_capacity = N`, `unhandled_panic = \"ignore\"|\"shutdown_runtime\"`, `start_paused = true|false` and `flavor = \"current_thread\"`";
const BAD_PAUSED: &str = "`start_paused` takes `true` or `false`, like `start_paused = true`";
const BAD_FLAVOR: &str = "this runtime runs every task on the current thread: write `flavor = \"current_thread\"` \
     or remove `flavor`; for many cores, run one runtime per thread with `runtime::Pool` \
     (`runtime::Pool::builder().build()?.run(|index| ...)`) from a plain `fn main`";
const BAD_DRIVER: &str = "`driver` takes \"epoll\", \"kqueue\" or \"uring\"";
const BAD_CAPACITY: &str = "`event_capacity` takes an integer, like `event_capacity = 1024`";
const BAD_PANIC: &str = "`unhandled_panic` takes \"ignore\" or \"shutdown_runtime\"";
/// The literals `driver` and `unhandled_panic` take, as written, and the variant each names.
const DRIVERS: &[(&str, &str)] = &[("\"epoll\"", "Epoll"), ("\"kqueue\"", "Kqueue"), ("\"uring\"", "Uring")];
const PANICS: &[(&str, &str)] = &[("\"ignore\"", "Ignore"), ("\"shutdown_runtime\"", "ShutdownRuntime")];

/// Reads `key = literal, ...` (a trailing comma is fine).
pub(crate) fn parse_options(args: TokenStream) -> Result<Options, Error> {
    let mut opts = Options::default();
    let mut c = Cursor::new(args);
    while let Some(token) = c.eat(|_| true) {
        let TokenTree::Ident(key) = token else {
            let msg = format!("expected the name of an option: {OPTIONS}");
            return Err(Error::new(token.span(), msg));
        };
        let name = key.to_string();
        let example = check_key(&opts, &key, &name)?;
        if !c.eat_punct('=') {
            let span = c.peek().map_or(key.span(), TokenTree::span);
            let msg = format!("expected `=` after `{name}`: write `{example}`");
            return Err(Error::new(span, msg));
        }
        let value = c.eat(|_| true);
        set_option(&mut opts, &name, value, key.span())?;
        if c.peek().is_some() && !c.eat_punct(',') {
            let msg = "expected `,` between options: write `driver = \"epoll\", event_capacity = 1024`";
            return Err(Error::new(c.span(), msg));
        }
    }
    Ok(opts)
}

/// Rejects unknown, multi-thread-only and repeated options at their name;
/// returns an example of the option written well.
fn check_key(opts: &Options, key: &Ident, name: &str) -> Result<&'static str, Error> {
    let (given, example) = match name {
        "driver" => (opts.driver.is_some(), "driver = \"epoll\""),
        "event_capacity" => (opts.event_capacity.is_some(), "event_capacity = 1024"),
        "unhandled_panic" => (opts.unhandled_panic.is_some(), "unhandled_panic = \"ignore\""),
        "start_paused" => (opts.start_paused.is_some(), "start_paused = true"),
        "flavor" => (opts.flavor, "flavor = \"current_thread\""),
        "worker_threads" => {
            let msg = format!("this runtime runs tasks on one thread: remove `{name}`");
            return Err(Error::new(key.span(), msg));
        }
        _ => {
            let msg = format!("unknown option `{name}`: {OPTIONS}");
            return Err(Error::new(key.span(), msg));
        }
    };
    if given {
        return Err(Error::new(key.span(), format!("option `{name}` is given twice")));
    }
    Ok(example)
}

/// Checks `value` for the option `name` and stores it; a bad or missing value
/// is blamed on the value, or on the option's name when there is none.
fn set_option(opts: &mut Options, name: &str, value: Option<TokenTree>, key: Span) -> Result<(), Error> {
    let span = value.as_ref().map_or(key, TokenTree::span);
    if name == "start_paused" {
        return match value {
            Some(TokenTree::Ident(b)) if matches!(b.to_string().as_str(), "true" | "false") => {
                opts.start_paused = Some(b);
                Ok(())
            }
            _ => Err(Error::new(span, BAD_PAUSED)),
        };
    }
    let literal = match value {
        Some(TokenTree::Literal(literal)) => Some(literal),
        _ => None,
    };
    let text = literal.as_ref().map(Literal::to_string).unwrap_or_default();
    let choose = |choices: &[(&str, &'static str)], msg: &str| {
        let choice = choices.iter().find(|choice| choice.0 == text);
        choice.map(|&(_, variant)| (variant, span)).ok_or_else(|| Error::new(span, msg))
    };
    match name {
        "driver" => opts.driver = Some(choose(DRIVERS, BAD_DRIVER)?),
        "unhandled_panic" => opts.unhandled_panic = Some(choose(PANICS, BAD_PANIC)?),
        "flavor" if text == "\"current_thread\"" => opts.flavor = true,
        "flavor" => return Err(Error::new(span, BAD_FLAVOR)),
        _ if is_integer(&text) => opts.event_capacity = literal,
        _ => return Err(Error::new(span, BAD_CAPACITY)),
    }
    Ok(())
}

/// An unsigned integer literal with no suffix or `usize`: `1024`, `1_024`, `0x400usize`.
fn is_integer(text: &str) -> bool {
    let digits = text.strip_suffix("usize").unwrap_or(text).replace('_', "");
    let (radix, digits) = match digits.get(..2) {
        Some("0x") => (16, &digits[2..]),
        Some("0o") => (8, &digits[2..]),
        Some("0b") => (2, &digits[2..]),
        _ => (10, &digits[..]),
    };
    u64::from_str_radix(digits, radix).is_ok()
}

/// The token trees of `stream`, with invisible groups opened: fragments
/// passed through `macro_rules!` (`$vis`, `$body:block`, `$n:literal`)
/// arrive wrapped in them.
fn flatten(stream: TokenStream) -> Vec<TokenTree> {
    let open = |token| match token {
        TokenTree::Group(g) if g.delimiter() == Delimiter::None => flatten(g.stream()),
        token => vec![token],
    };
    stream.into_iter().flat_map(open).collect()
}
