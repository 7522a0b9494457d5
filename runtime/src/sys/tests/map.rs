//! The type mapping the witness compares through: [`Libc::Is`] is what a
//! type of ours must be in libc. A primitive is itself; one of our structs
//! is libc's struct of the same name (`structs!` in `mod.rs` says so); a
//! pointer, reference, array or function pointer maps what it is made of.
//! Two types agree when the first maps to the second, so a field or an
//! argument that differs in anything but "ours or libc's struct" fails to
//! compile.

use super::ours;

/// What a type of ours is in libc.
pub(super) trait Libc {
    type Is;
}

macro_rules! itself {
    ($($t:ty),*) => {
        $(impl Libc for $t {
            type Is = $t;
        })*
    };
}

itself!((), bool, i8, u8, i16, u16, i32, u32, i64, u64, isize, usize, ours::c_void, Option<extern "C" fn()>);

impl<T: Libc> Libc for *mut T {
    type Is = *mut T::Is;
}

impl<T: Libc> Libc for *const T {
    type Is = *const T::Is;
}

impl<T: Libc, const N: usize> Libc for [T; N] {
    type Is = [T::Is; N];
}

/// `unsafe extern "C" fn` pointers of each arity the declarations use, and
/// their variadic forms.
macro_rules! fn_pointers {
    ($(($($a:ident),*))*) => {
        $(
            impl<R: Libc, $($a: Libc),*> Libc for unsafe extern "C" fn($($a),*) -> R {
                type Is = unsafe extern "C" fn($($a::Is),*) -> R::Is;
            }
        )*
    };
}

macro_rules! variadic_fn_pointers {
    ($(($($a:ident),*))*) => {
        $(
            impl<R: Libc, $($a: Libc),*> Libc for unsafe extern "C" fn($($a),*, ...) -> R {
                type Is = unsafe extern "C" fn($($a::Is),*, ...) -> R::Is;
            }
        )*
    };
}

fn_pointers! { () (A) (A, B) (A, B, C) (A, B, C, D) (A, B, C, D, E) (A, B, C, D, E, F) }
variadic_fn_pointers! { (A) (A, B) }

/// A type alias of ours names the same type as libc's: this function
/// coerces to `fn(ours::X) -> libc::X` only then.
pub(super) const fn identity<T>(x: T) -> T {
    x
}

/// A field of ours has the type libc's field has (through [`Libc`]), so also
/// its size.
pub(super) const fn field<S: Libc, F: Libc>(_ours: fn(S) -> F, _libc: fn(S::Is) -> F::Is) {}

/// A function of ours and libc's coerce to the same function pointer type
/// (through [`Libc`]).
pub(super) const fn same_fn<F: Libc + Copy>(_ours: F, _libc: F::Is)
where
    F::Is: Copy,
{
}
