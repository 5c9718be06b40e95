//! Prints how the screener normalizes each name given on the command line, as a person, an
//! organisation and an unknown kind: `cargo run -p greenlane-screen --example normalize -- "OOO Romashka"`.

use greenlane_screen::{Kind, normalize_name};

fn main() {
    for name in std::env::args().skip(1) {
        for kind in [Kind::Person, Kind::Organization, Kind::Unknown] {
            println!("{name:?} as {kind}: {:?}", normalize_name(&name, kind));
        }
    }
}
