//! Verdicts on the small fixture, computed by hand.
//!
//! Fixture: basic items 1.1.1★ 1.1.2 1.1.3(不适用 allowed) 1.2.1★ 2.1.1 2.1.3;
//! recommended items 1.2.2(不适用 allowed) 2.1.2.
//! 达到推荐标准: core ≥ B 100%, recommended ≥ C 50%.
//! 达到基本标准: core ≥ C 100%, basic ≥ C 80%.

use std::collections::HashMap;

use pingshen::checklist::{Checklist, parse_checklist};
use pingshen::scoring::{Grade, NOT_REACHED, evaluate, rollup};

fn fixture() -> Checklist {
    parse_checklist(include_str!("fixtures/small.toml"), "small.toml").unwrap()
}

fn grades(pairs: &[(&str, &str)]) -> HashMap<String, Grade> {
    pairs
        .iter()
        .map(|(id, g)| (id.to_string(), Grade::parse(g).unwrap()))
        .collect()
}

/// Basic items: 5 applicable (1.1.3 不适用), 4 at C or above: exactly 80%.
fn at_threshold() -> HashMap<String, Grade> {
    grades(&[
        ("1.1.1", "B"),
        ("1.1.2", "C"),
        ("1.1.3", "不适用"),
        ("1.2.1", "C"),
        ("1.2.2", "不适用"),
        ("2.1.1", "不达标"),
        ("2.1.3", "A"),
        // 2.1.2 pending
    ])
}

#[test]
fn share_exactly_at_the_threshold_holds() {
    let c = fixture();
    let g = at_threshold();
    let e = evaluate(&c, |id| g.get(id).copied());
    assert_eq!(e.verdict, "达到基本标准");
    assert_eq!(e.winner, Some(1));

    // Why not 推荐标准: core at B is 1 of 2, and the one applicable recommended item is pending.
    let best = &e.rules[0];
    assert!(!best.held);
    assert_eq!(best.conditions[0].reached, 1);
    assert_eq!(best.conditions[0].share, Some(0.5));
    assert!(!best.conditions[0].held);
    assert_eq!(best.conditions[1].selected.applicable(), 1);
    assert_eq!(best.conditions[1].selected.pending, 1);
    assert_eq!(best.conditions[1].share, Some(0.0));

    let basic = &e.rules[1].conditions[1];
    assert_eq!(basic.selected.total(), 6);
    assert_eq!(basic.selected.applicable(), 5);
    assert_eq!(basic.reached, 4);
    assert_eq!(basic.share, Some(0.8));
    assert_eq!(basic.min_share, 0.8);
    assert!(basic.held);
    assert_eq!(
        basic.description,
        "基本标准条款达到C档及以上的比例不低于80%"
    );
    // Unlabelled conditions describe themselves from the rule.
    assert_eq!(
        e.rules[1].conditions[0].description,
        "核心条款（★）达到C档及以上的比例不低于100%"
    );
}

#[test]
fn a_pending_item_counts_as_not_reached() {
    let c = fixture();
    let mut g = at_threshold();
    g.remove("2.1.3"); // 3 of 5 basic items now: 60%
    let e = evaluate(&c, |id| g.get(id).copied());
    assert_eq!(e.verdict, NOT_REACHED);
    assert_eq!(e.winner, None);
    assert_eq!(e.rules[1].conditions[1].share, Some(0.6));
    assert_eq!(e.next_goal().unwrap().name, "达到基本标准");
}

#[test]
fn recommended_verdict_when_every_condition_holds() {
    let c = fixture();
    let mut g = at_threshold();
    g.insert("1.2.1".into(), Grade::A);
    g.insert("2.1.2".into(), Grade::C);
    let e = evaluate(&c, |id| g.get(id).copied());
    assert_eq!(e.verdict, "达到推荐标准");
    assert!(e.rules[0].conditions.iter().all(|c| c.held));
    assert!(e.next_goal().is_none());
}

#[test]
fn a_selection_that_is_all_not_applicable_holds_and_says_so() {
    let c = fixture();
    let mut g = at_threshold();
    g.insert("1.2.1".into(), Grade::B);
    g.insert("2.1.2".into(), Grade::NotApplicable);
    let e = evaluate(&c, |id| g.get(id).copied());
    let rec = &e.rules[0].conditions[1];
    assert_eq!(rec.share, None);
    assert!(rec.held);
    assert_eq!(e.verdict, "达到推荐标准");
}

#[test]
fn nothing_graded_is_not_reached() {
    let c = fixture();
    let e = evaluate(&c, |_| None);
    assert_eq!(e.verdict, "未达到基本标准");
    assert!(e.rules.iter().all(|r| !r.held));
}

#[test]
fn rollups_per_chapter_and_section() {
    let c = fixture();
    let g = at_threshold();
    let r = rollup(&c, |id| g.get(id).copied());
    assert_eq!(r.total.total(), 8);
    assert_eq!(r.total.pending, 1);
    assert_eq!(r.total.graded(), 7);
    assert_eq!(r.chapters.len(), 2);

    let ch1 = &r.chapters[0].counts;
    assert_eq!(
        (ch1.a, ch1.b, ch1.c, ch1.d, ch1.na, ch1.pending),
        (0, 1, 2, 0, 2, 0)
    );
    assert_eq!(ch1.share_at_least(pingshen::checklist::Level::C), Some(1.0));
    assert_eq!(ch1.progress(), 1.0);

    let ch2 = &r.chapters[1].counts;
    assert_eq!((ch2.a, ch2.d, ch2.pending), (1, 1, 1));
    // 3 applicable (2.1.2 pending counts): 1 at C or above.
    assert_eq!(
        ch2.share_at_least(pingshen::checklist::Level::C),
        Some(1.0 / 3.0)
    );
    assert_eq!(
        ch2.share_at_least(pingshen::checklist::Level::B),
        Some(1.0 / 3.0)
    );
    assert!((ch2.progress() - 2.0 / 3.0).abs() < 1e-12);

    let s11 = &r.chapters[0].sections[0];
    assert_eq!(s11.id, "1.1");
    assert_eq!(s11.counts.total(), 3);
}

#[test]
fn grade_words_inspectors_type() {
    assert_eq!(Grade::parse("不达标"), Some(Grade::D));
    assert_eq!(Grade::parse("d"), Some(Grade::D));
    assert_eq!(Grade::parse("不适用"), Some(Grade::NotApplicable));
    assert_eq!(Grade::parse("E"), None);
    assert_eq!(Grade::D.to_string(), "不达标");
}
