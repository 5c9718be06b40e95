//! The analyzers, case by case: ordinary traffic learned, then one parcel in, its lane and
//! reasons out.

mod support;

use greenlane_core::Lane;
use support::*;

#[test]
fn a_name_that_another_code_explains_is_misclassified() {
    let mut engine = quiet_engine();
    traffic(&mut engine, 2000);
    let a = assess(&mut engine, &parcel(1).line("塑料玩具", "9507900000", "1", "40").weight("0.35").build());
    assert!(codes(&a).contains(&"analyzer.name_code"), "{a:#?}");
    assert!(a.lane >= Lane::Yellow, "{a:#?}");
    let a = assess(&mut engine, &parcel(2).line("手持电钻", "8518300000", "1", "60").weight("0.12").build());
    assert!(codes(&a).contains(&"analyzer.name_code"), "{a:#?}");
    let a = assess(&mut engine, &parcel(3).line("塑料玩具", "9503008900", "1", "40").weight("0.35").build());
    assert_eq!(a.lane, Lane::Green, "{a:#?}");
}

#[test]
fn a_price_far_below_the_codes_usual_one_is_undervaluation() {
    let mut engine = quiet_engine();
    traffic(&mut engine, 2000);
    let a = assess(&mut engine, &parcel(1).line("手持电钻", "8467210000", "1", "30").weight("2.2").build());
    assert!(codes(&a).contains(&"analyzer.unit_value"), "{a:#?}");
    assert!(a.lane >= Lane::Yellow, "{a:#?}");
    assert!(a.reasons[0].message.contains("usual"), "{a:#?}");
    let a = assess(&mut engine, &parcel(2).line("手持电钻", "8467210000", "1", "250").weight("2.2").build());
    assert_eq!(a.lane, Lane::Green, "{a:#?}");
}
