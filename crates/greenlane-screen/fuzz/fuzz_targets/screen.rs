//! The libFuzzer target for screening: any text, as a name and a country, screened against a
//! small generic list, never panics and gives scores in [0, 1], best first.

#![no_main]

use std::sync::OnceLock;

use greenlane_screen::{ListSet, Query, Screener};
use libfuzzer_sys::fuzz_target;

const LIST: &str = "id,name,kind,countries,aliases\n\
1,Bank Melli Iran,organization,IR,Melli Bank;بانک ملی ایران\n\
2,\"AL-MAJID, Ali Hassan\",person,IQ,Chemical Ali\n\
3,长安海连技术有限公司,organization,CN,Chang An Hai Lian Technology Co. Ltd\n\
4,ООО Ромашка,organization,RU,Romashka LLC\n";

fn screener() -> &'static Screener {
    static SCREENER: OnceLock<Screener> = OnceLock::new();
    SCREENER.get_or_init(|| {
        let list = ListSet::parse_file("fuzz.list.csv", LIST.as_bytes()).expect("the fuzz list parses");
        Screener::new(ListSet { lists: vec![list], skipped: Vec::new() })
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (name, country) = text.split_once('\u{0}').unwrap_or((&text, ""));
    let hits = screener().screen_with_floor(&Query { name, country: Some(country), kind: None }, 0.0);
    assert!(hits.iter().all(|h| (0.0..=1.0).contains(&h.score)));
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
});
