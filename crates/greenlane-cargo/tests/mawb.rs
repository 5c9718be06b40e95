//! MAWB numbers: the check digit rule on published examples, and properties of parsing,
//! printing and stock allocation.

use greenlane_cargo::mawb::check_digit;
use greenlane_cargo::{Mawb, MawbError, Prefix, Stock};
use proptest::prelude::*;

#[test]
fn published_examples() {
    // The Australian Border Force's worked example: serial 1234567 → check digit 5.
    assert_eq!(check_digit(1_234_567), 5);
    // Sample messages: valid numbers read, the handbook's invented ones do not.
    assert_eq!("618-12345675".parse::<Mawb>().unwrap().to_string(), "618-12345675");
    assert_eq!("05776215436".parse::<Mawb>().unwrap().to_string(), "057-76215436");
    assert_eq!(
        "074-12345632".parse::<Mawb>(),
        Err(MawbError::CheckDigit { number: "074-12345632".into(), found: 2, expected: 1 })
    );
    for bad in ["", "618-1234567", "618_12345675", "61812345675x", "6a8-12345675", "618--2345675"] {
        assert!(matches!(bad.parse::<Mawb>(), Err(MawbError::Format(_))), "{bad}");
    }
}

#[test]
fn stock_runs_out_after_its_last_serial() {
    let prefix = Prefix::new(784).unwrap();
    let mut stock = Stock::new(prefix, 9_999_998, 9_999_999).unwrap();
    assert_eq!(stock.allocate().unwrap().to_string(), "784-99999981");
    assert_eq!(stock.allocate().unwrap().to_string(), "784-99999992");
    assert_eq!(stock.remaining(), 0);
    assert_eq!(stock.allocate(), Err(MawbError::Exhausted(prefix)));
    assert!(Stock::new(prefix, 5, 4).is_err());
    assert!(Stock::new(prefix, 0, 10_000_000).is_err());
}

proptest! {
    #[test]
    fn printed_numbers_parse_back(prefix in 0u16..1000, serial in 0u32..10_000_000) {
        let mawb = Mawb::new(Prefix::new(prefix).unwrap(), serial).unwrap();
        let text = mawb.to_string();
        prop_assert_eq!(text.len(), 12);
        prop_assert_eq!(text.parse::<Mawb>().unwrap(), mawb);
        prop_assert_eq!(text.replace('-', "").parse::<Mawb>().unwrap(), mawb);
        prop_assert_eq!(u32::from(text.as_bytes()[11] - b'0'), serial % 7);
    }

    #[test]
    fn any_other_last_digit_is_refused(prefix in 0u16..1000, serial in 0u32..10_000_000, last in 0u8..10) {
        prop_assume!(last != (serial % 7) as u8);
        let text = format!("{prefix:03}-{serial:07}{last}");
        let refused = matches!(text.parse::<Mawb>(), Err(MawbError::CheckDigit { .. }));
        prop_assert!(refused);
    }

    #[test]
    fn a_stock_hands_out_each_serial_once_and_in_order(first in 0u32..9_999_000, len in 1u32..300) {
        let prefix = Prefix::new(959).unwrap();
        let mut stock = Stock::new(prefix, first, first + len - 1).unwrap();
        let mut previous: Option<Mawb> = None;
        for i in 0..len {
            prop_assert_eq!(stock.remaining(), len - i);
            let mawb = stock.allocate().unwrap();
            prop_assert_eq!(mawb.serial(), first + i);
            prop_assert!(mawb.to_string().parse::<Mawb>().is_ok());
            if let Some(p) = previous { prop_assert!(p < mawb); }
            previous = Some(mawb);
        }
        prop_assert_eq!(stock.allocate(), Err(MawbError::Exhausted(prefix)));
    }
}
