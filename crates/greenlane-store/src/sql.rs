//! The one SQL layer both backends run: statement text ([`Sql`]), arguments ([`Arg`]), row access
//! ([`Row`]) and the connection interface ([`Db`]) that `queries.rs` is written against. A backend
//! supplies only what its dialect does differently: how a statement is prepared and bound, and
//! how a column of its types reads as an integer, a text, a blob, a float or a boolean.
//!
//! Statements are written in SQLite's form with numbered `?N` placeholders; PostgreSQL gets them
//! rewritten to `$N` once per connection, when it prepares them ([`postgres_text`]). Where the
//! dialects really differ (an index hint, a JSON predicate, the migrations table) a statement
//! carries both texts.

use crate::{Result, StoreError};

/// Which SQL dialect a connection speaks: for the few places where the statements differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// One statement, as each dialect runs it. Both texts are `'static`, so that each backend caches
/// the prepared statement under the text's address and content.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sql {
    pub sqlite: &'static str,
    /// In the `?N` form too: see [`postgres_text`].
    pub postgres: &'static str,
}

impl Sql {
    /// A statement both dialects run as written.
    pub(crate) const fn same(text: &'static str) -> Sql {
        Sql { sqlite: text, postgres: text }
    }
}

/// A statement's text in PostgreSQL's placeholder form: every `?N` (a question mark followed by
/// digits) becomes `$N`. The statements contain no `?` in string literals and use no
/// PostgreSQL JSON `?` operators, so this one rewrite is exact.
pub(crate) fn postgres_text(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// An argument bound to a placeholder. Each backend converts it to the column's type where the
/// two differ (PostgreSQL's `INTEGER` columns take an `Int`, its `JSONB` columns a `Text`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Arg<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Bytes(&'a [u8]),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Arg::Text(value)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Arg::Text(value)
    }
}

impl<'a> From<&'a [u8]> for Arg<'a> {
    fn from(value: &'a [u8]) -> Self {
        Arg::Bytes(value)
    }
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Arg::Int(value)
    }
}

impl From<i32> for Arg<'_> {
    fn from(value: i32) -> Self {
        Arg::Int(i64::from(value))
    }
}

impl From<f64> for Arg<'_> {
    fn from(value: f64) -> Self {
        Arg::Real(value)
    }
}

impl<'a, T: Into<Arg<'a>>> From<Option<T>> for Arg<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Arg::Null, Into::into)
    }
}

/// The arguments of a statement, each converted with `Arg::from`.
macro_rules! args {
    ($($arg:expr),* $(,)?) => { &[$($crate::sql::Arg::from($arg)),*] };
}
pub(crate) use args;

/// One result row. Column types that do not match what the schema says are corruption.
pub(crate) trait Row {
    fn opt_int(&self, index: usize) -> Result<Option<i64>>;
    fn opt_text(&self, index: usize) -> Result<Option<&str>>;
    fn bytes(&self, index: usize) -> Result<&[u8]>;
    fn real(&self, index: usize) -> Result<f64>;
    /// A truth value: PostgreSQL's `boolean`, SQLite's 0 or 1.
    fn boolean(&self, index: usize) -> Result<bool>;

    fn int(&self, index: usize) -> Result<i64> {
        self.opt_int(index)?.ok_or_else(|| null_column(index))
    }
    fn text(&self, index: usize) -> Result<&str> {
        self.opt_text(index)?.ok_or_else(|| null_column(index))
    }
    fn string(&self, index: usize) -> Result<String> {
        self.text(index).map(str::to_owned)
    }
    fn opt_string(&self, index: usize) -> Result<Option<String>> {
        Ok(self.opt_text(index)?.map(str::to_owned))
    }
}

fn null_column(index: usize) -> StoreError {
    StoreError::Corrupt(format!("column {index} is NULL where the schema forbids it"))
}

/// A column whose type is not the one the schema gives it.
pub(crate) fn wrong_type(index: usize, expected: &str, found: &str) -> StoreError {
    StoreError::Corrupt(format!("column {index} holds {found}, not {expected}"))
}

/// A connection, inside a transaction the backend began. Errors of the database are
/// [`StoreError::Backend`] naming `operation`.
pub(crate) trait Db {
    fn dialect(&self) -> Dialect;
    /// Runs a statement, handing each result row to `each` in order.
    fn query(
        &mut self,
        operation: &'static str,
        sql: Sql,
        args: &[Arg<'_>],
        each: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()>;
    /// Runs a statement that returns no rows; returns how many rows it changed.
    fn execute(&mut self, operation: &'static str, sql: Sql, args: &[Arg<'_>]) -> Result<u64>;
    /// Runs a statement whose answer nobody waits for (no rows, row count unused). A backend
    /// may hold it back and send it with the next statement that needs an answer or with the
    /// commit, in the same order; its failure is then that statement's (or the commit's)
    /// failure, which fails the transaction. The default runs it at once.
    fn write(&mut self, operation: &'static str, sql: Sql, args: &[Arg<'_>]) -> Result<()> {
        self.execute(operation, sql, args).map(drop)
    }
    /// Runs statements given as text, without arguments or caching (migrations, maintenance).
    fn batch(&mut self, operation: &'static str, text: &str) -> Result<()>;
}

/// Every row of a statement, each mapped by `map`.
pub(crate) fn all<T>(
    db: &mut dyn Db,
    operation: &'static str,
    sql: Sql,
    args: &[Arg<'_>],
    mut map: impl FnMut(&dyn Row) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    db.query(operation, sql, args, &mut |row| {
        out.push(map(row)?);
        Ok(())
    })?;
    Ok(out)
}

/// The first row of a statement, if any, mapped by `map`.
pub(crate) fn first<T>(
    db: &mut dyn Db,
    operation: &'static str,
    sql: Sql,
    args: &[Arg<'_>],
    mut map: impl FnMut(&dyn Row) -> Result<T>,
) -> Result<Option<T>> {
    let mut out = None;
    db.query(operation, sql, args, &mut |row| {
        if out.is_none() {
            out = Some(map(row)?);
        }
        Ok(())
    })?;
    Ok(out)
}

/// The row of a statement that always returns one (an aggregate, `INSERT … RETURNING`).
pub(crate) fn one<T>(
    db: &mut dyn Db,
    operation: &'static str,
    sql: Sql,
    args: &[Arg<'_>],
    map: impl FnMut(&dyn Row) -> Result<T>,
) -> Result<T> {
    first(db, operation, sql, args, map)?
        .ok_or_else(|| StoreError::Backend(format!("{operation}: the statement returned no row")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_dollar_placeholders() {
        assert_eq!(
            postgres_text("SELECT a FROM t WHERE b = ?1 AND (?12 IS NULL OR c = ?12) LIMIT ?2"),
            "SELECT a FROM t WHERE b = $1 AND ($12 IS NULL OR c = $12) LIMIT $2"
        );
    }

    #[test]
    fn a_question_mark_without_digits_is_left_alone() {
        assert_eq!(postgres_text("SELECT '?' , x ? y"), "SELECT '?' , x ? y");
    }
}
