//! Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4).
//!
//! Sequence numbers wrap, so `a < b` is decided by the sign of the 32-bit
//! difference, exactly as the kernel's `before()` / `after()` macros do.

use std::fmt;
use std::ops::{Add, Sub};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SeqNum(pub u32);

impl SeqNum {
    /// True when `self` comes strictly before `other` in sequence space.
    pub fn lt(self, other: SeqNum) -> bool {
        (self.0.wrapping_sub(other.0) as i32) < 0
    }
    pub fn le(self, other: SeqNum) -> bool {
        self == other || self.lt(other)
    }
    pub fn gt(self, other: SeqNum) -> bool {
        other.lt(self)
    }
    pub fn ge(self, other: SeqNum) -> bool {
        other.le(self)
    }
    /// Distance from `base` forward to `self`; what Wireshark calls the
    /// relative sequence number when `base` is the initial sequence number.
    pub fn since(self, base: SeqNum) -> u32 {
        self.0.wrapping_sub(base.0)
    }
}

impl Add<u32> for SeqNum {
    type Output = SeqNum;
    fn add(self, rhs: u32) -> SeqNum {
        SeqNum(self.0.wrapping_add(rhs))
    }
}

impl Sub<SeqNum> for SeqNum {
    type Output = i32;
    /// Signed distance; meaningful while the two are within 2^31 of each other.
    fn sub(self, rhs: SeqNum) -> i32 {
        self.0.wrapping_sub(rhs.0) as i32
    }
}

impl fmt::Display for SeqNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordering_survives_wrap_around() {
        let near_top = SeqNum(u32::MAX - 1);
        let wrapped = near_top + 3; // 1
        assert_eq!(wrapped, SeqNum(1));
        assert!(near_top.lt(wrapped));
        assert!(wrapped.gt(near_top));
        assert_eq!(wrapped - near_top, 3);
        assert_eq!(wrapped.since(near_top), 3);
    }

    #[test]
    fn equal_is_le_and_ge_not_lt() {
        let a = SeqNum(42);
        assert!(a.le(a) && a.ge(a));
        assert!(!a.lt(a) && !a.gt(a));
    }

    proptest! {
        #[test]
        fn adding_a_small_step_always_moves_forward(base: u32, step in 1u32..(1 << 31)) {
            let a = SeqNum(base);
            let b = a + step;
            prop_assert!(a.lt(b));
            prop_assert!(b.gt(a));
            prop_assert_eq!(b.since(a), step);
        }
    }
}
