//! `join!` and `try_join!`: every future pinned in place, polled by one
//! `poll_fn` until all are done (or, for `try_join!`, one fails), each
//! output kept beside its future.
//!
//! ```text
//! {
//!     let mut fut_i = pin!(IntoFuture::into_future(future_i));
//!     let mut out_i = None;
//!     let mut next = 0;
//!     poll_fn(move |cx| {
//!         // from `next` round (the first with `biased;`), each unfinished one:
//!         //   Ready(v) => out_i = Some(v)   (try_join!: Ready(Err(e)) => return Ready(Err(e)))
//!         // all done: Ready((out_0, ..))   (try_join!: Ready(Ok((out_0, ..))))
//!     }).await
//! }
//! ```
//!
//! Starting each poll from the next future in turn, as tokio's `join!`
//! does, keeps one busy future from always being polled first.

use proc_macro::{Delimiter, TokenStream};

use crate::error::Error;
use crate::tokens::{Code, Tokens};

pub(crate) fn join(input: TokenStream, fallible: bool) -> TokenStream {
    let mut t = Tokens::new(input);
    let biased = t.take_word_semi("biased");
    let mut futures = Vec::new();
    while !t.is_empty() {
        let future = t.take_until(|t| t.at_punct(0, ','));
        if future.is_empty() {
            let name = if fallible { "try_join!" } else { "join!" };
            return Error::new(t.span(), format!("expected a future, then `,`, in `{name}`")).emit(TokenStream::new());
        }
        futures.push(future);
        t.next();
    }
    expand(&futures, biased, fallible)
}

fn expand(futures: &[TokenStream], biased: bool, fallible: bool) -> TokenStream {
    let n = futures.len();
    let mut code = Code::default();
    if n == 0 {
        code.s(if fallible { "::core::result::Result::Ok(())" } else { "()" });
        return code.finish();
    }
    code.g(Delimiter::Brace, |c| {
        for (i, future) in futures.iter().enumerate() {
            // Bound as written first, so temporaries in it live as long as
            // the future (temporary lifetime extension).
            c.s(&format!("let __join_init_{i} =")).t(future.clone()).s(";");
            c.s(&format!(
                "let mut __join_fut_{i} = ::core::pin::pin!(::core::future::IntoFuture::into_future(__join_init_{i})); \
                 let mut __join_out_{i} = ::core::option::Option::None;"
            ));
        }
        c.s("let mut __join_next: u32 = 0;");
        // The closure owns the pinned pointers and the outputs (`move`), so
        // the future holds no pointers to them besides.
        c.s("::core::future::poll_fn").g(Delimiter::Parenthesis, |c| {
            c.s("move |__join_cx: &mut ::core::task::Context<'_>|").g(Delimiter::Brace, |c| {
                c.s("let mut __join_pending = false;");
                if biased || n == 1 {
                    c.s("let __join_start: u32 = 0;");
                } else {
                    c.s(&format!("let __join_start = __join_next; __join_next = (__join_next + 1) % {n}u32;"));
                }
                c.s(&format!("for __join_k in 0..{n}u32"));
                c.g(Delimiter::Brace, |c| {
                    c.s(&format!(
                        "#[allow(clippy::modulo_one)] let __join_branch = (__join_start + __join_k) % {n}u32; \
                         match __join_branch"
                    ));
                    c.g(Delimiter::Brace, |c| {
                        for i in 0..n {
                            let ready = if fallible {
                                format!(
                                    "::core::task::Poll::Ready(::core::result::Result::Ok(__join_v)) => \
                                         __join_out_{i} = ::core::option::Option::Some(__join_v), \
                                     ::core::task::Poll::Ready(::core::result::Result::Err(__join_e)) => \
                                         return ::core::task::Poll::Ready(::core::result::Result::Err(__join_e)),"
                                )
                            } else {
                                format!(
                                    "::core::task::Poll::Ready(__join_v) => \
                                         __join_out_{i} = ::core::option::Option::Some(__join_v),"
                                )
                            };
                            c.s(&format!(
                                "{i}u32 => if __join_out_{i}.is_none() {{ \
                                     match ::core::future::Future::poll(__join_fut_{i}.as_mut(), __join_cx) {{ \
                                         {ready} \
                                         ::core::task::Poll::Pending => __join_pending = true, \
                                     }} \
                                 }},"
                            ));
                        }
                        c.s("_ => ::core::unreachable!(),");
                    });
                });
                let outputs: String = (0..n)
                    .map(|i| {
                        format!(
                            "match __join_out_{i}.take() {{ ::core::option::Option::Some(v) => v, \
                             ::core::option::Option::None => ::core::unreachable!(\"every future of the join is done\") }},"
                        )
                    })
                    .collect();
                let done = if fallible { format!("::core::result::Result::Ok(({outputs}))") } else { format!("({outputs})") };
                c.s(&format!(
                    "if __join_pending {{ ::core::task::Poll::Pending }} else {{ ::core::task::Poll::Ready({done}) }}"
                ));
            });
        });
        c.s(".await");
    });
    code.finish()
}
