//! Tokens: a slab index and a generation packed in the 64 bits a driver carries.
//!
//! The index finds the slot; the generation tells this registration from an
//! earlier one that used the same slot. An event whose generation does not
//! match the slot's is for a source that is gone, and is dropped.

/// Identifies one registration: `generation << 32 | index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token(u64);

impl Token {
    /// The largest slab index a token can carry.
    pub(crate) const MAX_INDEX: usize = u32::MAX as usize - 1;

    pub(crate) const fn new(index: usize, generation: u32) -> Token {
        Token(((generation as u64) << 32) | index as u32 as u64)
    }

    pub(crate) const fn from_raw(raw: u64) -> Token {
        Token(raw)
    }

    pub(crate) const fn raw(self) -> u64 {
        self.0
    }

    pub(crate) const fn index(self) -> usize {
        self.0 as u32 as usize
    }

    pub(crate) const fn generation(self) -> u32 {
        (self.0 >> 32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::Token;

    #[test]
    fn token_round_trips_index_and_generation() {
        let t = Token::new(12345, 0xdead_beef);
        assert_eq!(t.index(), 12345);
        assert_eq!(t.generation(), 0xdead_beef);
        assert_eq!(Token::from_raw(t.raw()), t);
    }

    #[test]
    fn token_never_equals_the_driver_waker_token() {
        let t = Token::new(Token::MAX_INDEX, u32::MAX);
        assert_ne!(t.raw(), u64::MAX);
    }
}
