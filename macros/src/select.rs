//! `select!`: reads the branches, then writes one `poll_fn` that polls each
//! enabled branch's future in place and a `match` that runs the handler of
//! the branch that completed.
//!
//! ```text
//! {
//!     let mut disabled: u64 = 0;
//!     if !(precondition_i) { disabled |= 1 << i; }          // each `, if`
//!     let mut fut_i = pin!(IntoFuture::into_future(future_i)); // each branch
//!     enum Out<B0, ..> { B0(B0), .., Disabled }
//!     let out = poll_fn(|cx| {
//!         // the task's budget spent: Pending (it is deferred)
//!         // from a random branch (the first with `biased;`), each enabled one:
//!         //   Ready(v): disable it; if `v` matches its pattern, Ready(Out::Bi(v))
//!         // all disabled: Ready(Out::Disabled), else Pending
//!     }).await;
//!     match out { Out::Bi(pattern_i) => handler_i, .., Out::Disabled => else }
//! }
//! ```
//!
//! The handlers run outside the closure, in the caller's own block, so
//! `return`, `break`, `continue` and `?` in them act there, as in tokio.

use proc_macro::{Delimiter, Group, Spacing, TokenStream, TokenTree};

use crate::error::Error;
use crate::tokens::{Code, Tokens};

/// At most this many branches (one bit each in the disabled mask).
const MAX_BRANCHES: usize = 64;

struct Branch {
    pattern: TokenStream,
    future: TokenStream,
    precondition: Option<TokenStream>,
    handler: TokenStream,
}

impl Branch {
    /// Whether the precondition is `if let pattern = value`.
    fn is_if_let(&self) -> bool {
        matches!(self.precondition.as_ref().and_then(|p| p.clone().into_iter().next()),
            Some(TokenTree::Ident(i)) if i.to_string() == "let")
    }
}

struct Select {
    biased: bool,
    branches: Vec<Branch>,
    otherwise: Option<TokenStream>,
}

pub(crate) fn select(input: TokenStream) -> TokenStream {
    match parse(input) {
        Ok(select) => expand(select),
        Err(e) => e.emit(TokenStream::new()),
    }
}

fn parse(input: TokenStream) -> Result<Select, Error> {
    let mut t = Tokens::new(input);
    let biased = t.take_word_semi("biased");
    let mut select = Select { biased, branches: Vec::new(), otherwise: None };
    while !t.is_empty() {
        if t.at_word(0, "else") && t.at_fat_arrow(1) {
            let at = t.span();
            t.next();
            t.next();
            t.next();
            let handler = handler(&mut t)?;
            if select.otherwise.replace(handler).is_some() {
                return Err(Error::new(at, "`select!` takes at most one `else` branch"));
            }
            continue;
        }
        select.branches.push(branch(&mut t)?);
    }
    if select.branches.is_empty() && select.otherwise.is_none() {
        return Err(Error::new(t.span(), "`select!` needs at least one branch: `pattern = future => handler`"));
    }
    if select.branches.len() > MAX_BRANCHES {
        return Err(Error::new(t.span(), format!("`select!` takes at most {MAX_BRANCHES} branches")));
    }
    Ok(select)
}

/// `pattern = future [, if precondition] => handler [,]`
fn branch(t: &mut Tokens) -> Result<Branch, Error> {
    let start = t.span();
    let pattern = t.take_until(|t| t.at_punct(0, '=') || t.at_fat_arrow(0));
    if !t.at_punct(0, '=') || pattern.is_empty() {
        return Err(Error::spanning(start, t.span(), "expected a `select!` branch: `pattern = future => handler`"));
    }
    t.next();
    let future = t.take_until(|t| t.at_fat_arrow(0) || (t.at_punct(0, ',') && t.at_word(1, "if")));
    let precondition = if t.at_punct(0, ',') {
        t.next();
        t.next();
        Some(t.take_until(|t| t.at_fat_arrow(0)))
    } else {
        None
    };
    if future.is_empty() || !t.at_fat_arrow(0) {
        return Err(Error::spanning(start, t.span(), "expected `=> handler` after the branch's future"));
    }
    t.next();
    t.next();
    let handler = handler(t)?;
    Ok(Branch { pattern, future, precondition, handler })
}

/// A block (then an optional `,`), or an expression up to the next `,`.
fn handler(t: &mut Tokens) -> Result<TokenStream, Error> {
    let handler = match t.peek(0) {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => t.next().into_iter().collect(),
        Some(_) => t.take_until(|t| t.at_punct(0, ',')),
        None => TokenStream::new(),
    };
    if handler.is_empty() {
        return Err(Error::new(t.span(), "expected a handler after `=>`"));
    }
    if t.at_punct(0, ',') {
        t.next();
    }
    Ok(handler)
}

fn expand(select: Select) -> TokenStream {
    let mut code = Code::default();
    let n = select.branches.len();
    if n == 0 {
        // `select! { else => handler }`, as tokio allows.
        code.t(select.otherwise.unwrap_or_default());
        return code.finish();
    }
    let params: Vec<String> = (0..n).map(|i| format!("B{i}")).collect();
    let variants: String = params.iter().map(|p| format!("{p}({p}),")).collect();
    code.g(Delimiter::Brace, |c| {
        c.s(&format!("#[allow(dead_code)] enum __SelectOut<{}> {{ {variants} Disabled }}", params.join(", ")));
        // The futures live in an inner block, so they are dropped before a
        // handler runs: a handler may use what a future borrowed.
        c.s("#[allow(unused_mut, unreachable_code)] let mut __select_out =");
        c.g(Delimiter::Brace, |c| poll_all(c, &select));
        c.s(";");
        c.s("match __select_out").g(Delimiter::Brace, |c| {
            for (i, branch) in select.branches.iter().enumerate() {
                c.s(&format!("__SelectOut::B{i}")).g(Delimiter::Parenthesis, |c| {
                    c.t(branch.pattern.clone());
                });
                c.s("=>").t(branch.handler.clone()).s(",");
            }
            c.s("__SelectOut::Disabled =>");
            match &select.otherwise {
                Some(handler) => c.t(handler.clone()).s(","),
                None => {
                    c.s("::core::panic!(\"all branches of `select!` are disabled and there is no `else` branch\"),")
                }
            };
            c.s("#[allow(unreachable_patterns)] _ => \
                 ::core::unreachable!(\"a `select!` branch completed without matching its pattern\"),");
        });
    });
    code.finish()
}

/// The inner block: preconditions, futures, and the `poll_fn` that polls
/// them, awaited.
fn poll_all(c: &mut Code, select: &Select) {
    let n = select.branches.len();
    let all = if n == MAX_BRANCHES { u64::MAX } else { (1u64 << n) - 1 };
    c.s("let mut __select_disabled: u64 = 0;");
    // Preconditions first, then every future (disabled ones too), as tokio
    // does; except that an `if let` precondition's bindings are what its
    // future is made from, so that future is made (or not) in its `if let`,
    // as an `Option`.
    for (i, branch) in select.branches.iter().enumerate() {
        if let Some(precondition) = branch.precondition.as_ref().filter(|_| !branch.is_if_let()) {
            c.s("if !").g(Delimiter::Parenthesis, |c| {
                c.t(precondition.clone());
            });
            c.s(&format!("{{ __select_disabled |= 1u64 << {i}; }}"));
        }
    }
    for (i, branch) in select.branches.iter().enumerate() {
        if !branch.is_if_let() {
            // Bound as written first, so temporaries in it live as long as
            // the future (temporary lifetime extension), as in tokio.
            c.s(&format!("let __select_init_{i} =")).t(branch.future.clone()).s(";");
        }
        c.s(&format!("let mut __select_fut_{i} = ::core::pin::pin!"));
        c.g(Delimiter::Parenthesis, |c| match (&branch.precondition, branch.is_if_let()) {
            (Some(precondition), true) => {
                c.s("if").t(precondition.clone()).g(Delimiter::Brace, |c| {
                    c.s("::core::option::Option::Some").g(Delimiter::Parenthesis, |c| {
                        into_future(c, &branch.future);
                    });
                });
                c.s("else { ::core::option::Option::None }");
            }
            _ => {
                c.s(&format!("::core::future::IntoFuture::into_future(__select_init_{i})"));
            }
        });
        c.s(";");
        if branch.is_if_let() {
            c.s(&format!(
                "if ::core::option::Option::is_none(&*__select_fut_{i}) {{ __select_disabled |= 1u64 << {i}; }}"
            ));
        }
    }
    c.s("::core::future::poll_fn").g(Delimiter::Parenthesis, |c| {
        c.s("move |__select_cx: &mut ::core::task::Context<'_>|").g(Delimiter::Brace, |c| {
            c.s("if ::runtime::__private::poll_budget_available(__select_cx).is_pending() \
                 { return ::core::task::Poll::Pending; }");
            if select.biased || n == 1 {
                c.s("let __select_start: u32 = 0;");
            } else {
                c.s(&format!("let __select_start: u32 = ::runtime::__private::select_start({n});"));
            }
            c.s(&format!("for __select_k in 0..{n}u32"));
            c.g(Delimiter::Brace, |c| {
                c.s(&format!(
                    "#[allow(clippy::modulo_one)] let __select_branch = (__select_start + __select_k) % {n}u32; \
                     match __select_branch"
                ));
                c.g(Delimiter::Brace, |c| {
                    for (i, branch) in select.branches.iter().enumerate() {
                        poll_arm(c, i, branch);
                    }
                    c.s("_ => ::core::unreachable!(),");
                });
            });
            c.s(&format!(
                "if __select_disabled == {all}u64 {{ ::core::task::Poll::Ready(__SelectOut::Disabled) }} \
                 else {{ ::core::task::Poll::Pending }}"
            ));
        });
    });
    c.s(".await");
}

/// `IntoFuture::into_future(future)`
fn into_future(c: &mut Code, future: &TokenStream) {
    c.s("::core::future::IntoFuture::into_future").g(Delimiter::Parenthesis, |c| {
        c.t(future.clone());
    });
}

/// The arm of the polling `match` for branch `i`.
fn poll_arm(c: &mut Code, i: usize, branch: &Branch) {
    // An `if let` branch's future is in an `Option` (`None` is disabled).
    let fut = match branch.is_if_let() {
        true => format!(
            "match ::core::option::Option::as_pin_mut(::core::pin::Pin::as_mut(&mut __select_fut_{i})) {{ \
                 ::core::option::Option::Some(f) => f, \
                 ::core::option::Option::None => continue, \
             }}"
        ),
        false => format!("::core::pin::Pin::as_mut(&mut __select_fut_{i})"),
    };
    c.s(&format!("#[allow(unreachable_code)] {i}u32 =>")).g(Delimiter::Brace, |c| {
        c.s(&format!(
            "if __select_disabled & (1u64 << {i}) != 0 {{ continue; }} \
             let __select_v = match ::core::future::Future::poll({fut}, __select_cx) {{ \
                 ::core::task::Poll::Ready(v) => v, \
                 ::core::task::Poll::Pending => continue, \
             }}; \
             __select_disabled |= 1u64 << {i};"
        ));
        // Does the output match the pattern? Asked of a reference, with the
        // binding modes (`mut`, `ref`) taken out, so nothing moves yet.
        c.s("#[allow(unused_variables, unreachable_patterns)] match &__select_v");
        c.g(Delimiter::Brace, |c| {
            c.t(without_binding_modes(branch.pattern.clone()));
            c.s("=> {} _ => continue,");
        });
        c.s(&format!("return ::core::task::Poll::Ready(__SelectOut::B{i}(__select_v));"));
    });
}

/// `pattern` with every `ref` and every binding's `mut` removed (a `mut`
/// right after `&` is a reference pattern's and stays).
fn without_binding_modes(pattern: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut after_ampersand = false;
    for token in pattern {
        let amp = matches!(&token, TokenTree::Punct(p) if p.as_char() == '&' && p.spacing() == Spacing::Alone);
        match token {
            TokenTree::Ident(i) if i.to_string() == "ref" => {}
            TokenTree::Ident(i) if i.to_string() == "mut" && !after_ampersand => {}
            TokenTree::Group(g) => {
                let mut cleaned = Group::new(g.delimiter(), without_binding_modes(g.stream()));
                cleaned.set_span(g.span());
                out.push(TokenTree::Group(cleaned));
            }
            token => out.push(token),
        }
        after_ampersand = amp;
    }
    out.into_iter().collect()
}
