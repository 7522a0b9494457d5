//! Tokens: a slab index and a generation packed in the bits every driver
//! carries back: a `u64` for epoll, a pointer-sized `udata` for kqueue.
//!
//! The index finds the slot; the generation tells this registration from an
//! earlier one that used the same slot. An event whose generation does not
//! match the slot's is for a source that is gone, and is dropped.
//!
//! With 64-bit pointers the index and the generation get 32 bits each. With
//! 32-bit pointers (i686 or armv7 BSDs, where kqueue's `udata` is 32 bits)
//! the token must fit in 32 bits, or the kernel cuts the generation off and
//! every event is dropped as stale: there the index gets 20 bits (a million
//! sources) and the generation 12.

/// How a token's bits are shared between index and generation.
#[derive(Debug, Clone, Copy)]
struct Layout {
    index_bits: u32,
    total_bits: u32,
}

impl Layout {
    const fn max_index(self) -> usize {
        // All ones is left out, so no token is all ones (the drivers' wake token).
        (1usize << (self.index_bits - 1) << 1).wrapping_sub(2)
    }

    const fn pack(self, index: usize, generation: u32) -> u64 {
        let generation_mask = (1u64 << (self.total_bits - self.index_bits)) - 1;
        let index_mask = (1u64 << self.index_bits) - 1;
        ((generation as u64 & generation_mask) << self.index_bits) | (index as u64 & index_mask)
    }

    const fn index(self, raw: u64) -> usize {
        (raw & ((1u64 << self.index_bits) - 1)) as usize
    }

    const fn generation(self, raw: u64) -> u32 {
        (raw >> self.index_bits) as u32
    }
}

const WIDE: Layout = Layout { index_bits: 32, total_bits: 64 };
const NARROW: Layout = Layout { index_bits: 20, total_bits: 32 };
/// The layout of this target: the token fits in a pointer.
const LAYOUT: Layout = if usize::BITS >= 64 { WIDE } else { NARROW };

/// Identifies one registration: `generation << index_bits | index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token(u64);

// Every token survives a trip through a pointer-sized `udata`, and none is
// all ones. (Checked by `cargo check` for each target CI type-checks,
// among them a 32-bit BSD.)
const _: () = {
    let largest = Token::new(Token::MAX_INDEX, u32::MAX).raw();
    assert!(largest < usize::MAX as u64 && largest != u64::MAX);
};

impl Token {
    /// The largest slab index a token can carry.
    pub(crate) const MAX_INDEX: usize = LAYOUT.max_index();

    /// A token for slot `index`; only the low bits of `generation` that the
    /// layout keeps are stored (compare with [`Token::generation`]).
    pub(crate) const fn new(index: usize, generation: u32) -> Token {
        Token(LAYOUT.pack(index, generation))
    }

    pub(crate) const fn from_raw(raw: u64) -> Token {
        Token(raw)
    }

    pub(crate) const fn raw(self) -> u64 {
        self.0
    }

    pub(crate) const fn index(self) -> usize {
        LAYOUT.index(self.0)
    }

    pub(crate) const fn generation(self) -> u32 {
        LAYOUT.generation(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::{Token, NARROW, WIDE};

    #[test]
    fn token_round_trips_index_and_generation() {
        let t = Token::new(12345, 0xdead_beef);
        assert_eq!(t.index(), 12345);
        assert_eq!(Token::new(12345, t.generation()), t);
        assert_eq!(Token::from_raw(t.raw()), t);
    }

    #[test]
    fn token_never_equals_the_driver_waker_token() {
        let t = Token::new(Token::MAX_INDEX, u32::MAX);
        assert_ne!(t.raw(), u64::MAX);
        assert_ne!(t.raw(), usize::MAX as u64);
    }

    #[test]
    fn token_fits_a_32_bit_udata_with_its_generation() {
        // The layout of i686/armv7 BSDs, checked here on any host.
        let max = NARROW.max_index();
        assert_eq!(max, (1 << 20) - 2);
        for (index, generation) in [(0, 1), (max, 0xfff), (12345, 0xabc)] {
            let raw = NARROW.pack(index, generation);
            assert!(raw < 1 << 32 && raw != u64::from(u32::MAX), "{raw:#x}");
            let through_udata = raw as u32 as u64;
            assert_eq!((NARROW.index(through_udata), NARROW.generation(through_udata)), (index, generation));
        }
        // Generations that differ in their kept bits stay told apart.
        assert_ne!(NARROW.pack(7, 1), NARROW.pack(7, 2));
        assert_eq!(WIDE.generation(WIDE.pack(7, u32::MAX)), u32::MAX);
    }
}
