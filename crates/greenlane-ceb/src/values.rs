//! Scalar values: the XSD lexical forms of strings, decimals and integers, and the facets that
//! bound them. One function checks a value for both the reader and the writer, so what greenlane
//! accepts and what it writes can never disagree.

use crate::ValueFault;
use crate::schema::Kind;
use rust_decimal::Decimal;
use std::borrow::Cow;

/// A value type that a simple CEB field holds.
pub trait Scalar: Sized {
    /// Parses already-trimmed text and checks it against the field's facets.
    fn parse(text: Cow<'_, str>, kind: &Kind) -> Result<Self, ValueFault>;
    /// Checks the value against the facets and appends its lexical form (unescaped).
    fn format(&self, kind: &Kind, out: &mut String) -> Result<(), ValueFault>;
}

impl Scalar for String {
    fn parse(text: Cow<'_, str>, kind: &Kind) -> Result<Self, ValueFault> {
        check_length(&text, kind)?;
        Ok(text.into_owned())
    }

    fn format(&self, kind: &Kind, out: &mut String) -> Result<(), ValueFault> {
        check_length(self, kind)?;
        if let Some(c) = self.chars().find(|&c| !is_xml_char(c)) {
            return Err(ValueFault::InvalidChar { value: self.clone(), code: u32::from(c) });
        }
        out.push_str(self);
        Ok(())
    }
}

impl Scalar for Decimal {
    fn parse(text: Cow<'_, str>, kind: &Kind) -> Result<Self, ValueFault> {
        let value = parse_decimal(&text)?;
        check_digits(&value, kind, &text)?;
        Ok(value)
    }

    fn format(&self, kind: &Kind, out: &mut String) -> Result<(), ValueFault> {
        let text = self.to_string();
        check_digits(self, kind, &text)?;
        out.push_str(&text);
        Ok(())
    }
}

impl Scalar for i32 {
    fn parse(text: Cow<'_, str>, kind: &Kind) -> Result<Self, ValueFault> {
        let not_integer = || ValueFault::NotInteger { value: text.to_string() };
        let digits = text.strip_prefix(['+', '-']).unwrap_or(&text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_integer());
        }
        let value: i32 = text.parse().map_err(|_| not_integer())?;
        check_int_digits(value, kind, &text)?;
        Ok(value)
    }

    fn format(&self, kind: &Kind, out: &mut String) -> Result<(), ValueFault> {
        let text = self.to_string();
        check_int_digits(*self, kind, &text)?;
        out.push_str(&text);
        Ok(())
    }
}

/// The characters XML 1.0 can carry.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Escapes text content. A carriage return is written as a reference: a literal one would be
/// turned into a line feed by every XML reader.
pub(crate) fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// Escapes an attribute value (in double quotes). Tabs and line breaks are written as references:
/// XML readers replace literal ones with spaces.
pub(crate) fn escape_attribute(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// XSD string lengths count characters, not bytes.
pub(crate) fn check_length(text: &str, kind: &Kind) -> Result<(), ValueFault> {
    let Kind::Text { min_len, max_len, .. } = *kind else {
        return Ok(());
    };
    // Every byte of ASCII text is one character; only count characters when it matters.
    let actual = if text.is_ascii() { text.len() } else { text.chars().count() };
    if (actual as u64) < u64::from(min_len) || (actual as u64) > u64::from(max_len) {
        let expected = if min_len == max_len {
            format!("exactly {min_len}")
        } else if max_len == u32::MAX {
            format!("at least {min_len}")
        } else if min_len == 0 {
            format!("at most {max_len}")
        } else {
            format!("{min_len} to {max_len}")
        };
        return Err(ValueFault::Length { value: text.to_owned(), actual, expected });
    }
    Ok(())
}

/// The `xs:decimal` lexical space: an optional sign, digits, and an optional fraction; no
/// exponent, no grouping, no underscores (which `Decimal::from_str` would accept). Built digit by
/// digit, without an intermediate string: decimals are a fifth of a list's fields.
fn parse_decimal(text: &str) -> Result<Decimal, ValueFault> {
    let bad = || ValueFault::NotDecimal { value: text.to_owned() };
    let negative = text.starts_with('-');
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if int.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    // Leading zeros carry no digits; trailing fraction zeros do (they set the scale).
    let int = int.trim_start_matches('0');
    if int.len() + frac.len() > 28 {
        // More than 28 significant digits cannot be represented; the facets here never allow
        // more than 19, so reporting them as too long is accurate.
        if !(int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())) {
            return Err(bad());
        }
        return Err(ValueFault::TotalDigits { value: text.to_owned(), max: 28 });
    }
    let mut mantissa: i128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        if !b.is_ascii_digit() {
            return Err(bad());
        }
        mantissa = mantissa * 10 + i128::from(b - b'0');
    }
    if negative {
        mantissa = -mantissa;
    }
    Decimal::try_from_i128_with_scale(mantissa, frac.len() as u32).map_err(|_| bad())
}

/// `totalDigits`/`fractionDigits` as XSD 1.0 defines them: the value is `i × 10^-n` with
/// `|i| < 10^totalDigits` and `n ≤ fractionDigits`, trailing zeros not counted.
fn check_digits(value: &Decimal, kind: &Kind, text: &str) -> Result<(), ValueFault> {
    let Kind::Decimal { total, frac } = *kind else {
        return Ok(());
    };
    let normal = value.normalize();
    let scale = normal.scale();
    if scale > frac {
        return Err(ValueFault::FractionDigits { value: text.to_owned(), max: frac });
    }
    let digits = count_digits(normal.mantissa().unsigned_abs()).max(scale);
    if digits > total {
        return Err(ValueFault::TotalDigits { value: text.to_owned(), max: total });
    }
    Ok(())
}

fn check_int_digits(value: i32, kind: &Kind, text: &str) -> Result<(), ValueFault> {
    let Kind::Int { total } = *kind else {
        return Ok(());
    };
    if count_digits(u128::from(value.unsigned_abs())) > total {
        return Err(ValueFault::TotalDigits { value: text.to_owned(), max: total });
    }
    Ok(())
}

fn count_digits(mut n: u128) -> u32 {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

/// Removes leading and trailing XML whitespace; with `collapse`, also folds inner runs of
/// whitespace to one space, as `whiteSpace="collapse"` does.
pub(crate) fn normalize_whitespace<'a>(text: Cow<'a, str>, collapse: bool) -> Cow<'a, str> {
    let is_ws = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    if collapse {
        let trimmed = text.trim_matches(is_ws);
        if trimmed.contains(['\t', '\n', '\r']) || trimmed.contains("  ") {
            return Cow::Owned(trimmed.split(is_ws).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" "));
        }
    }
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim_matches(is_ws)),
        Cow::Owned(s) => {
            let trimmed = s.trim_matches(is_ws);
            if trimmed.len() == s.len() { Cow::Owned(s) } else { Cow::Owned(trimmed.to_owned()) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MONEY: Kind = Kind::Decimal { total: 19, frac: 5 };

    #[test]
    fn decimals_follow_xsd_lexical_space_and_facets() {
        let parse = |s: &str| Decimal::parse(Cow::Borrowed(s), &MONEY);
        assert_eq!(parse("12345678912345.12345").unwrap().to_string(), "12345678912345.12345");
        assert_eq!(parse("+.5").unwrap().to_string(), "0.5");
        assert_eq!(parse("7.").unwrap().to_string(), "7");
        assert_eq!(parse("1.100000").unwrap().to_string(), "1.100000", "trailing zeros are not fraction digits");
        assert!(matches!(parse("1.123456"), Err(ValueFault::FractionDigits { max: 5, .. })));
        assert!(matches!(parse("123456789012345.12345"), Err(ValueFault::TotalDigits { max: 19, .. })));
        for bad in ["", ".", "1e5", "1_000", "1,5", "0x10", "--1", " 1", "NaN"] {
            assert!(matches!(parse(bad), Err(ValueFault::NotDecimal { .. })), "{bad:?}");
        }
    }

    #[test]
    fn lengths_count_characters() {
        let kind = Kind::Text { min_len: 1, max_len: 4, collapse: false };
        assert!(check_length("小米盒子", &kind).is_ok());
        assert!(check_length("小米盒子了", &kind).is_err());
        assert!(check_length("", &kind).is_err());
    }

    #[test]
    fn whitespace_is_trimmed_and_collapsed_on_request() {
        assert_eq!(normalize_whitespace(Cow::Borrowed("  a  b \n"), false), "a  b");
        assert_eq!(normalize_whitespace(Cow::Borrowed("  a  b \n"), true), "a b");
        assert_eq!(normalize_whitespace(Cow::Borrowed("a\tb"), true), "a b");
        assert_eq!(normalize_whitespace(Cow::Borrowed("a b"), true), "a b");
    }
}
