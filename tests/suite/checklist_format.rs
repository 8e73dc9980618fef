//! Format additions: numbered sub-criteria (B-1, B-2), `max_grade` for items graded on
//! purpose only to C, a settable fallback verdict, the warnings of `pingshen check`, and
//! the store refusing a grade an item has no criteria for.

use pingshen::checklist::{Level, parse_checklist, warnings};
use pingshen::scoring::{Grade, evaluate};
use pingshen::store::{Store, StoreError};

use crate::common::{new_inspection, source};

const SMALL: &str = include_str!("fixtures/small.toml");

fn with(from: &str, to: &str) -> String {
    assert!(SMALL.contains(from), "{from}");
    SMALL.replacen(from, to, 1)
}

fn warned(text: &str) -> Vec<String> {
    let c = parse_checklist(text, "x.toml").unwrap_or_else(|d| panic!("{}", d[0]));
    warnings(&c, text, "x.toml")
        .into_iter()
        .map(|d| {
            assert!(d.to_string().starts_with("警告: "), "{d}");
            d.message
        })
        .collect()
}

#[test]
fn numbered_sub_criteria_are_shown_as_b_1_b_2() {
    let text = with(
        "b = \"在C基础上，每月检查记录完整。\"",
        "b = [\"每月检查记录完整。\", \"有维修保养合同。\"]",
    );
    let c = parse_checklist(&text, "x").unwrap();
    let item = c.find_item("1.2.1").unwrap();
    assert_eq!(
        item.criteria.b.as_deref(),
        Some("B-1 每月检查记录完整。\nB-2 有维修保养合同。")
    );
    // An empty list or a blank part is refused with the loader's usual sentences.
    let d = parse_checklist(
        &with("b = \"在C基础上，每月检查记录完整。\"", "b = []"),
        "x",
    )
    .unwrap_err();
    assert!(d[0].message.contains("`b` 是空列表"), "{}", d[0].message);
    let d = parse_checklist(
        &with(
            "b = \"在C基础上，每月检查记录完整。\"",
            "b = [\"甲\", \" \"]",
        ),
        "x",
    )
    .unwrap_err();
    assert!(
        d[0].message.contains("`b` 里有一项不是非空文字"),
        "{}",
        d[0].message
    );
}

#[test]
fn the_fallback_verdict_can_be_named_and_must_differ_from_the_rules() {
    let text = with(
        "source = \"pingshen 测试数据\"",
        "source = \"pingshen 测试数据\"\nfallback_verdict = \"不合格\"",
    );
    let c = parse_checklist(&text, "x").unwrap();
    assert_eq!(evaluate(&c, |_| None).verdict, "不合格");
    let same = text.replace(
        "fallback_verdict = \"不合格\"",
        "fallback_verdict = \"达到基本标准\"",
    );
    let d = parse_checklist(&same, "x").unwrap_err();
    assert!(
        d[0].message.contains("与第 24 行的结论同名"),
        "{}",
        d[0].message
    );
}

#[test]
fn check_warns_of_items_without_b_or_a_unless_max_grade_says_so() {
    let w = warned(SMALL);
    assert!(
        w.contains(&"条款 1.1.2 没有 B 档和 A 档评价要点：只能评 C 档或不达标".to_string()),
        "{w:?}"
    );
    assert!(
        w.contains(&"条款 1.2.1 没有 A 档评价要点：最高只能评 B 档".to_string()),
        "{w:?}"
    );
    let declared = with(
        "c = \"每万服务人口全科医生≥3名。\"",
        "c = \"每万服务人口全科医生≥3名。\"\n    max_grade = \"C\"",
    );
    assert!(!warned(&declared).iter().any(|m| m.contains("1.1.2")));
    let c = parse_checklist(&declared, "x").unwrap();
    assert_eq!(c.find_item("1.1.2").unwrap().declared_max, Some(Level::C));
    // max_grade must agree with the texts written.
    let wrong = with(
        "b = \"在C基础上，每月检查记录完整。\"",
        "b = \"在C基础上，每月检查记录完整。\"\n    max_grade = \"C\"",
    );
    let d = parse_checklist(&wrong, "x").unwrap_err();
    assert_eq!(
        d[0].message,
        "条款 1.2.1 写了 max_grade = \"C\"，评价要点却写到了 B 档"
    );
}

#[test]
fn check_warns_of_a_better_verdict_laxer_than_a_worse_one() {
    // 推荐 asks core ≥ B and recommended ≥ C 50%, 基本 asks basic ≥ C 80%: a centre
    // could reach 推荐 while missing 基本.
    let w = warned(SMALL);
    assert!(
        w.iter().any(|m| m.starts_with("结论「达到推荐标准」排在「达到基本标准」前面，却比它宽松：「达到基本标准」要求基本标准条款达到C档及以上的比例不低于80%")),
        "{w:?}"
    );
}

#[test]
fn check_warns_when_a_verdict_needs_core_items_at_b_that_have_no_b_text() {
    let w = warned(SMALL);
    // 1.1.1★ has B text; 1.2.1★ has B text: no warning.
    assert!(!w.iter().any(|m| m.contains("永远达不到")), "{w:?}");
    let text = with("    b = \"在C基础上，每月检查记录完整。\"\n", "");
    let w = warned(&text);
    assert!(
        w.iter()
            .any(|m| m.contains("但条款 1.2.1 没有 B 档评价要点，这一结论永远达不到")),
        "{w:?}"
    );
}

#[test]
fn grading_refuses_a_or_b_where_the_item_has_no_such_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let (c, s) = source(SMALL, "small.toml");
    let insp = store
        .create(new_inspection("测试中心"), &c, &s, "张三")
        .unwrap();
    // 1.1.2 has only C text.
    let e = store
        .grade(&insp.id, "1.1.2", Some(Grade::B), "张三")
        .unwrap_err();
    assert!(matches!(e, StoreError::GradeAboveCriteria { .. }), "{e}");
    assert!(
        e.to_string().starts_with(
            "条款 1.1.2 不能评为 B 档：清单中该条款没有 B 档评价要点，最高只能评 C 档。"
        ),
        "{e}"
    );
    // 1.2.1 has B but no A.
    let e = store
        .grade(&insp.id, "1.2.1", Some(Grade::A), "张三")
        .unwrap_err();
    assert!(e.to_string().contains("最高只能评 B 档"), "{e}");
    store
        .grade(&insp.id, "1.2.1", Some(Grade::B), "张三")
        .unwrap();
    store
        .grade(&insp.id, "1.1.2", Some(Grade::C), "张三")
        .unwrap();
    store
        .grade(&insp.id, "1.1.2", Some(Grade::D), "张三")
        .unwrap();
}
