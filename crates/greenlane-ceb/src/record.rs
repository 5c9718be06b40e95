//! The trait that ties a generated struct to its per-version schema tables.

use crate::read::ReadCx;
use crate::schema::RecordSpec;
use crate::write::WriteCx;
use crate::{ReadFail, Version, WriteError};

/// A CEB record: a struct generated from one XSD element. The reader and writer walk the
/// record's [`RecordSpec`] and call back into the struct by slot.
pub trait Record: Default {
    /// The XML local name of the element.
    const NAME: &'static str;
    /// The record's shape in `version`, or `None` where that version does not define it.
    fn spec(version: Version) -> Option<&'static RecordSpec>;
    #[doc(hidden)]
    fn read_field(&mut self, slot: u16, cx: &mut ReadCx<'_>) -> Result<(), ReadFail>;
    #[doc(hidden)]
    fn write_field(&self, slot: u16, out: &mut WriteCx<'_>) -> Result<(), WriteError>;
}
