//! 上次评审对比: a report of an inspection linked to an earlier review of the facility
//! (`pingshen link ID --previous OLD`) compares the two.

use crate::report_support;

use std::path::Path;

use pingshen::report::layout::Shape;
use pingshen::report::model::PreviousReview;
use pingshen::report::{ReportInput, ReportOptions, build_pdf, prepare, write_pdf};
use pingshen::scoring::{Grade, Trend, evaluate};
use pingshen::store::{Inspection, ReviewKind, Store};
use report_support::*;

const SECTION: &str = "上次评审对比";

fn options() -> ReportOptions {
    ReportOptions {
        generated_at: Some(GENERATED_AT.into()),
        ..ReportOptions::default()
    }
}

fn pdf_text(store: &Store, id: &str, dir: &Path) -> String {
    let report = build_pdf(store, id, &options()).unwrap();
    let out = dir.join(format!("{id}.pdf"));
    write_pdf(&out, &report.pdf).unwrap();
    poppler("pdftotext", &["-nodiag", out.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The text of the comparison section: from its heading to the next section's.
fn section(text: &str) -> &str {
    let start = text.find(SECTION).expect("the comparison section");
    let end = text[start..]
        .find("不达标条款及整改意见")
        .expect("the next section");
    &text[start..start + end]
}

fn verdict(store: &Store, insp: &Inspection, checklist: &pingshen::checklist::Checklist) -> String {
    let grades = store.assessments(&insp.id).unwrap();
    evaluate(checklist, |id| grades.get(id).and_then(|a| a.grade)).verdict
}

/// A 区级评审 graded in the usual test pattern, and a 回头看 a year later with every
/// item at A except the first (which falls from A to B).
fn two_reviews(store: &Store) -> (Inspection, Inspection, (String, String)) {
    let township = shipped("township-2022");
    let old = create(store, &township);
    grade_all(store, &old, &township.0, 0, 0);
    let mut later = new_inspection();
    later.review_kind = ReviewKind::LookBack;
    later.date = "2027-11-20".into();
    let new = store
        .create(later, &township.0, &township.1, "张三")
        .unwrap();
    let ids: Vec<String> = township.0.items().map(|(_, _, i)| i.id.clone()).collect();
    for (n, id) in ids.iter().enumerate() {
        let g = if n == 0 { Grade::B } else { Grade::A };
        store.grade(&new.id, id, Some(g), "王堃").unwrap();
    }
    // Item 4 of the pattern was 不达标.
    (old, new, (ids[0].clone(), ids[3].clone()))
}

#[test]
fn a_linked_review_is_compared_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("data"));
    let township = shipped("township-2022");
    let (old, new, (fell, rose)) = two_reviews(&store);
    store.link_previous(&new.id, Some(&old.id), "王堃").unwrap();

    let (old_verdict, new_verdict) = (
        verdict(&store, &old, &township.0),
        verdict(&store, &new, &township.0),
    );
    assert_ne!(
        old_verdict, new_verdict,
        "the test wants verdicts that differ"
    );

    // The model: every item compared, the two that moved as expected.
    let input = ReportInput::load(&store, &new.id).unwrap();
    let doc = prepare(&input, &options()).unwrap().document;
    let Some(PreviousReview::Compared(p)) = &doc.previous else {
        panic!("no comparison: {:?}", doc.previous.is_some());
    };
    assert_eq!(p.id, old.id);
    assert_eq!(p.comparison.old_verdict, old_verdict);
    assert_eq!(p.comparison.new_verdict, new_verdict);
    let change = |id: &str| {
        p.comparison
            .items
            .iter()
            .find(|i| i.id == id)
            .unwrap()
            .change
    };
    assert_eq!(change(&fell), Trend::Worse);
    assert_eq!(change(&rose), Trend::Improved);
    assert!(p.comparison.count(Trend::Same) > 0);
    assert!(p.changed().all(|i| i.change != Trend::Same));

    // The PDF.
    let text = pdf_text(&store, &new.id, dir.path());
    let s = section(&text);
    assert!(s.contains("上次评审") && s.contains("本次评审"), "{s}");
    assert!(
        s.contains(&old.id) && s.contains("2026年11月20日") && s.contains("区级评审"),
        "{s}"
    );
    assert!(s.contains("回头看") && s.contains("2027年11月20日"), "{s}");
    assert!(
        s.contains(&format!("评审结论{old_verdict}{new_verdict}")),
        "{s}"
    );
    for label in [
        "上次达标率",
        "本次达标率",
        "提升",
        "下降",
        "不变",
        "新增条款",
        "删除条款",
        "不可比",
    ] {
        assert!(s.contains(label), "{label} missing: {s}");
    }
    // Counts, in the order of the labels.
    let counts: Vec<String> = [
        Trend::Improved,
        Trend::Worse,
        Trend::Same,
        Trend::New,
        Trend::Removed,
        Trend::Incomparable,
    ]
    .iter()
    .map(|c| p.comparison.count(*c).to_string())
    .collect();
    assert!(
        s.contains(&format!(
            "提升下降不变新增条款删除条款不可比{}",
            counts.concat()
        )),
        "{s}"
    );
    // The changed items, with their grades then and now.
    let title = |id: &str| township.0.find_item(id).unwrap().title.clone();
    let first_chars = |t: String| t.chars().take(6).collect::<String>();
    assert!(
        s.contains(&format!("{fell}{}", first_chars(title(&fell)))),
        "{s}"
    );
    assert!(
        s.contains(&format!("{rose}{}", first_chars(title(&rose)))),
        "{s}"
    );
    assert!(s.contains("AB下降") && s.contains("不达标A提升"), "{s}");
    // An item graded A both times is not listed.
    let same = p
        .comparison
        .items
        .iter()
        .find(|i| i.change == Trend::Same)
        .unwrap();
    assert!(
        !s.contains(&format!("{}{}", same.id, first_chars(title(&same.id)))),
        "{s}"
    );
}

#[test]
fn without_a_link_there_is_no_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("data"));
    let (_, new, _) = two_reviews(&store);
    let input = ReportInput::load(&store, &new.id).unwrap();
    assert!(input.previous.is_none());
    assert!(
        prepare(&input, &options())
            .unwrap()
            .document
            .previous
            .is_none()
    );
    let text = pdf_text(&store, &new.id, dir.path());
    assert!(!text.contains(SECTION));
    assert!(!text.contains("上次达标率"));
}

#[test]
fn a_linked_review_no_longer_in_the_store_is_named_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("data"));
    let (old, new, _) = two_reviews(&store);
    store.link_previous(&new.id, Some(&old.id), "王堃").unwrap();
    store.delete(&old.id).unwrap();
    let prepared = prepare(&ReportInput::load(&store, &new.id).unwrap(), &options()).unwrap();
    assert!(
        matches!(&prepared.document.previous, Some(PreviousReview::Missing { id }) if *id == old.id)
    );
    // Said in one line.
    let line = prepared
        .layout
        .pages
        .iter()
        .flat_map(|p| &p.boxes)
        .find_map(|b| match &b.shape {
            Shape::Text { text, .. } if text.contains("不在本机数据中") => {
                Some(text.clone())
            }
            _ => None,
        })
        .expect("the line about the missing review");
    assert!(
        line.starts_with("关联的上次评审") && line.ends_with("。"),
        "{line}"
    );
    let text = pdf_text(&store, &new.id, dir.path());
    let s = section(&text);
    assert!(
        s.contains(&format!("（检查编号{}）不在本机数据中", old.id)),
        "{s}"
    );
    assert!(!s.contains("上次达标率"));
}
