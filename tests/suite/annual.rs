//! The district's year, on a hand-built district of 30 facilities (12 社区卫生服务中心,
//! 18 乡镇卫生院 of which 6 中心卫生院) over 2025 and 2026, reviewed against the small
//! test checklist (8 items; verdicts computed by hand from three grade profiles):
//! 自评, 区级评审, 市级复核 and 回头看, one review left in progress. Every figure below
//! was worked out by hand, as the comments show.

use std::path::Path;

use pingshen::district::annual::{Annual, AnnualInput, with_agreement};
use pingshen::district::{Known, Status, Targets};
use pingshen::scoring::Grade;
use pingshen::store::{Edit, FacilityDraft, ReviewKind, Store};

use crate::common::{Fixture, copy_dir, source};

/// 推荐: both core items at B, every other at C (the two 推荐标准 items too).
const RECOMMENDED: &[(&str, Grade)] = &[
    ("1.1.1", Grade::B),
    ("1.1.2", Grade::C),
    ("1.1.3", Grade::C),
    ("1.2.1", Grade::B),
    ("1.2.2", Grade::C),
    ("2.1.1", Grade::C),
    ("2.1.2", Grade::C),
    ("2.1.3", Grade::C),
];
/// 基本: every 基本标准 item at C, both 推荐标准 items (1.2.2, 2.1.2) 不达标.
const BASIC: &[(&str, Grade)] = &[
    ("1.1.1", Grade::C),
    ("1.1.2", Grade::C),
    ("1.1.3", Grade::C),
    ("1.2.1", Grade::C),
    ("1.2.2", Grade::D),
    ("2.1.1", Grade::C),
    ("2.1.2", Grade::D),
    ("2.1.3", Grade::C),
];
/// 未达到: core item 1.1.1 and 推荐标准 item 2.1.2 不达标.
const FAILED: &[(&str, Grade)] = &[
    ("1.1.1", Grade::D),
    ("1.1.2", Grade::C),
    ("1.1.3", Grade::C),
    ("1.2.1", Grade::C),
    ("1.2.2", Grade::C),
    ("2.1.1", Grade::C),
    ("2.1.2", Grade::D),
    ("2.1.3", Grade::C),
];

const CENTRES: [&str; 12] = [
    "安贞社区卫生服务中心",
    "北新桥社区卫生服务中心",
    "朝阳门社区卫生服务中心",
    "东华门社区卫生服务中心",
    "和平里社区卫生服务中心",
    "建国门社区卫生服务中心",
    "景山社区卫生服务中心",
    "龙潭社区卫生服务中心",
    "天坛社区卫生服务中心",
    "体育馆路社区卫生服务中心",
    "永定门外社区卫生服务中心",
    "交道口社区卫生服务中心",
];
const TOWNSHIPS: [&str; 18] = [
    "城关镇卫生院",
    "大石窝镇卫生院",
    "韩村河镇卫生院",
    "琉璃河镇卫生院",
    "石楼镇卫生院",
    "窦店镇卫生院",
    "阎村镇卫生院",
    "青龙湖镇卫生院",
    "周口店镇卫生院",
    "张坊镇卫生院",
    "十渡镇卫生院",
    "蒲洼乡卫生院",
    "霞云岭乡卫生院",
    "南窖乡卫生院",
    "佛子庄乡卫生院",
    "大安山乡卫生院",
    "史家营乡卫生院",
    "河北镇卫生院",
];
const REGION: &str = "北京市某区";

struct Built {
    _dir: tempfile::TempDir,
    store: Store,
}

fn review(
    store: &Store,
    name: &str,
    kind: &str,
    review: ReviewKind,
    date: &str,
    grades: &[(&str, Grade)],
    complete: bool,
) {
    let (c, s) = small();
    let mut new = Fixture::new(name)
        .region(REGION)
        .kind(kind)
        .date(date)
        .build();
    new.review_kind = review;
    let i = store.create(new, &c, &s, "张三").unwrap();
    let edits: Vec<(&str, [Edit; 1])> = grades
        .iter()
        .map(|(item, g)| (*item, [Edit::Grade(Some(*g))]))
        .collect();
    let items: Vec<(&str, &[Edit])> = edits.iter().map(|(i, e)| (*i, e.as_slice())).collect();
    store.update_many(&i.id, &items, "张三").unwrap();
    if complete {
        store.complete(&i.id, "张三").unwrap();
    }
}

fn small() -> (pingshen::checklist::Checklist, pingshen::checklist::Source) {
    source(
        include_str!("fixtures/small.toml"),
        "tests/suite/fixtures/small.toml",
    )
}

/// The district. 2026 results:
/// - 社区 C01–C04 区级 推荐; C05 区级 推荐 then 市级复核 基本 (the latest stands);
///   C06–C09 区级 基本 (C06 also a 自评 at 推荐, which is no result); C10 区级 未达到;
///   C11 区级 in progress (no result); C12 passed 推荐 in 2025, 回头看 推荐 in 2026.
/// - 乡镇 T01–T03 (中心) 区级 推荐; T04–T06 (中心) and T07–T12 区级 基本; T13–T14 区级
///   未达到; T15–T17 passed 基本 in 2025, T15 回头看 基本 in 2026; T18 未达到 in 2025;
///   T07 also a 自评 at 基本, as its 区级评审.
fn district() -> Built {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for (i, name) in TOWNSHIPS.iter().enumerate() {
        store
            .add_facility(
                &FacilityDraft {
                    name: Some(name.to_string()),
                    region: Some(REGION.into()),
                    kind: Some("乡镇卫生院".into()),
                    subtype: Some(
                        if i < 6 {
                            "中心卫生院"
                        } else {
                            "一般卫生院"
                        }
                        .into(),
                    ),
                    ..FacilityDraft::default()
                },
                "赵科长",
            )
            .unwrap();
    }
    let c = |n: usize| CENTRES[n - 1];
    let t = |n: usize| TOWNSHIPS[n - 1];
    const SQ: &str = "社区卫生服务中心";
    const XZ: &str = "乡镇卫生院";
    use ReviewKind::*;
    for n in 1..=5 {
        review(&store, c(n), SQ, District, "2026-06-10", RECOMMENDED, true);
    }
    review(&store, c(5), SQ, CityRecheck, "2026-09-20", BASIC, true);
    review(
        &store,
        c(6),
        SQ,
        SelfAssessment,
        "2026-05-01",
        RECOMMENDED,
        true,
    );
    for n in 6..=9 {
        review(&store, c(n), SQ, District, "2026-06-11", BASIC, true);
    }
    review(&store, c(10), SQ, District, "2026-06-12", FAILED, true);
    review(&store, c(11), SQ, District, "2026-06-13", BASIC, false);
    review(&store, c(12), SQ, District, "2025-06-01", RECOMMENDED, true);
    review(&store, c(12), SQ, LookBack, "2026-07-01", RECOMMENDED, true);
    for n in 1..=3 {
        review(&store, t(n), XZ, District, "2026-06-20", RECOMMENDED, true);
    }
    for n in 4..=12 {
        review(&store, t(n), XZ, District, "2026-06-21", BASIC, true);
    }
    review(&store, t(7), XZ, SelfAssessment, "2026-05-02", BASIC, true);
    for n in 13..=14 {
        review(&store, t(n), XZ, District, "2026-06-22", FAILED, true);
    }
    for n in 15..=17 {
        review(&store, t(n), XZ, District, "2025-06-02", BASIC, true);
    }
    review(&store, t(15), XZ, LookBack, "2026-07-02", BASIC, true);
    review(&store, t(18), XZ, District, "2025-06-03", FAILED, true);

    // 社区医院 (附件2), against the small 社区医院 checklist: C01 evaluated 2026-07-15
    // 达到 and named 2026-08-01; T01 evaluated 2026-08-20 达到, named 2026-09-01; T02
    // named 2026-10-01 but its evaluation 未达到 (not built); C02 evaluated and named
    // in 2025. None of these is a service-capability result.
    hospital(&store, c(1), SQ, "2026-07-15", true, Some("2026-08-01"));
    hospital(&store, t(1), XZ, "2026-08-20", true, Some("2026-09-01"));
    hospital(&store, t(2), XZ, "2026-09-15", false, Some("2026-10-01"));
    hospital(&store, c(2), SQ, "2025-04-10", true, Some("2025-05-01"));
    Built { _dir: dir, store }
}

/// A completed 区级 社区医院 evaluation of `name` (every item C, or 1.1.2 不达标), and
/// the facility flagged 社区医院 since `since`.
fn hospital(store: &Store, name: &str, kind: &str, date: &str, pass: bool, since: Option<&str>) {
    let (c, s) = source(
        include_str!("fixtures/small-hospital.toml"),
        "tests/suite/fixtures/small-hospital.toml",
    );
    let mut new = Fixture::new(name)
        .region(REGION)
        .kind(kind)
        .date(date)
        .build();
    new.review_kind = ReviewKind::District;
    let i = store.create(new, &c, &s, "张三").unwrap();
    let second = if pass { Grade::C } else { Grade::D };
    let edits = [
        ("1.1.1", [Edit::Grade(Some(Grade::C))]),
        ("1.1.2", [Edit::Grade(Some(second))]),
        ("1.1.3", [Edit::Grade(Some(Grade::C))]),
    ];
    let items: Vec<(&str, &[Edit])> = edits.iter().map(|(i, e)| (*i, e.as_slice())).collect();
    store.update_many(&i.id, &items, "张三").unwrap();
    store.complete(&i.id, "张三").unwrap();
    if let Some(since) = since {
        let id = store
            .facilities()
            .unwrap()
            .matching(name, REGION)
            .unwrap()
            .id
            .clone();
        store
            .edit_facility(
                &id,
                &FacilityDraft {
                    community_hospital: Some(since.into()),
                    ..FacilityDraft::default()
                },
                "赵科长",
            )
            .unwrap();
    }
}

const TARGETS: &str = r#"
[[target]]
name = "达到服务能力标准的比例"
year = 2026
kinds = ["社区卫生服务中心", "乡镇卫生院"]
counts = "达到基本标准"
share = "85%"

[[target]]
name = "达到推荐标准的比例"
year = 2026
kinds = ["社区卫生服务中心", "乡镇卫生院"]
counts = "达到推荐标准"
share = 0.35

[[target]]
name = "社区卫生服务中心达到推荐标准"
year = 2026
kinds = ["社区卫生服务中心"]
counts = "达到推荐标准"
share = "46%"

[[target]]
name = "中心卫生院达到推荐标准"
year = 2026
kinds = ["乡镇卫生院"]
subtype = "中心卫生院"
counts = "达到推荐标准"
share = "100%"

[[target]]
name = "回头看比例"
year = 2026
kinds = ["社区卫生服务中心", "乡镇卫生院"]
counts = "回头看"
passed_before = 2026
share = "30%"

[[community_hospitals]]
year = 2026
region = "北京市某区"
planned = 4

[[community_hospitals]]
year = 2026
region = "北京市另一区"
planned = 2

[[community_hospitals]]
year = 2025
region = "北京市某区"
planned = 1

[[target]]
name = "上一年的目标"
year = 2025
kinds = ["乡镇卫生院"]
counts = "达到基本标准"
share = "100%"
"#;

fn annual(d: &Built, year: i32, region: Option<&str>) -> Annual {
    annual_as_of(d, year, region, None)
}

fn annual_as_of(d: &Built, year: i32, region: Option<&str>, as_of: Option<&str>) -> Annual {
    let (c, _) = small();
    let (h, _) = source(
        include_str!("fixtures/small-hospital.toml"),
        "tests/suite/fixtures/small-hospital.toml",
    );
    let known = Known::from_checklists([&c, &h]);
    let targets = Targets::parse(TARGETS, "targets.toml", &known).unwrap();
    let register = d.store.facilities().unwrap();
    let overviews = d.store.overviews().unwrap();
    let checklists = d.store.pinned_checklists(&overviews).unwrap();
    let results = d.store.results().unwrap();
    with_agreement(
        &d.store,
        &AnnualInput {
            year,
            region,
            register: &register,
            overviews: &overviews,
            checklists: &checklists,
            results: &results,
            targets: &targets.targets,
            plans: &targets.plans,
            as_of: as_of.map(|d| d.parse().unwrap()),
        },
    )
}

#[test]
fn the_districts_year_computed_by_hand() {
    let d = district();
    let a = annual(&d, 2026, None);
    assert_eq!(
        a.verdicts,
        ["达到推荐标准", "达到基本标准", "未达到基本标准"]
    );
    let kinds: Vec<(&str, usize, usize, Vec<usize>)> = a
        .kinds
        .iter()
        .map(|k| {
            (
                k.kind.as_str(),
                k.registered,
                k.reviewed,
                k.by_verdict.clone(),
            )
        })
        .collect();
    // 社区: 推荐 C01–C04, C12 = 5; 基本 C05–C09 = 5; 未达到 C10; C11 in progress.
    // 乡镇: 推荐 T01–T03; 基本 T04–T12, T15 = 10; 未达到 T13, T14; T16–T18 none.
    assert_eq!(
        kinds,
        [
            ("社区卫生服务中心", 12, 11, vec![5, 5, 1]),
            ("乡镇卫生院", 18, 15, vec![3, 10, 2]),
        ]
    );
    assert_eq!(a.in_progress, 1);
    assert_eq!(a.unlinked, 0);
    assert_eq!(a.unreviewed.len(), 4);

    let targets: Vec<(&str, u32, u32, u32, Status)> = a
        .targets
        .iter()
        .map(|(t, o)| (t.name.as_str(), o.covered, o.counted, o.needed, o.status))
        .collect();
    assert_eq!(
        targets,
        [
            // 30 facilities, 8 推荐 + 15 基本 = 23; ⌈0.85 × 30⌉ = ⌈25.5⌉ = 26: 3 short.
            ("达到服务能力标准的比例", 30, 23, 26, Status::Short(3)),
            // 8 推荐; ⌈0.35 × 30⌉ = ⌈10.5⌉ = 11: 3 short.
            ("达到推荐标准的比例", 30, 8, 11, Status::Short(3)),
            // 12 centres, 5 推荐; ⌈0.46 × 12⌉ = ⌈5.52⌉ = 6: 1 short.
            ("社区卫生服务中心达到推荐标准", 12, 5, 6, Status::Short(1)),
            // T01–T06, 3 推荐; all 6 needed.
            ("中心卫生院达到推荐标准", 6, 3, 6, Status::Short(3)),
            // Passed before 2026: C12, T15, T16, T17; re-reviewed C12, T15;
            // ⌈0.3 × 4⌉ = ⌈1.2⌉ = 2: met.
            ("回头看比例", 4, 2, 2, Status::Met),
        ]
    );
    let said: Vec<String> = a.targets.iter().map(|(t, o)| t.sentence(o)).collect();
    assert!(said[0].contains("还差 3 家"), "{}", said[0]);
    assert!(said[4].contains("已达到"), "{}", said[4]);

    let look: Vec<(&str, &str, bool)> = a
        .look_back
        .rows
        .iter()
        .map(|r| {
            (
                r.facility.name.as_str(),
                r.passed.as_str(),
                r.re_reviewed.is_some(),
            )
        })
        .collect();
    assert_eq!(a.look_back.passed_before, 2026);
    assert_eq!(look.len(), 4);
    assert!(look.contains(&("交道口社区卫生服务中心", "达到推荐标准", true)));
    assert!(look.contains(&("佛子庄乡卫生院", "达到基本标准", true)));
    assert!(look.contains(&("大安山乡卫生院", "达到基本标准", false)));
    assert!(look.contains(&("史家营乡卫生院", "达到基本标准", false)));

    // 2.1.2: 15 基本 + 3 未达到 = 18; 1.2.2: 15 基本; 1.1.1: 3 未达到; of 26 results.
    let failing: Vec<(&str, usize, usize, bool)> = a
        .failing
        .iter()
        .map(|f| (f.item.as_str(), f.facilities, f.of, f.core))
        .collect();
    assert_eq!(
        failing,
        [
            ("2.1.2", 18, 26, false),
            ("1.2.2", 15, 26, false),
            ("1.1.1", 3, 26, true)
        ]
    );
    assert_eq!(a.failing[0].chapter, "基本医疗与公共卫生服务");

    // Chapter 1 (5 items): 8 × 5 + 15 × 4 + 3 × 4 = 112 of 26 × 5 = 130.
    // Chapter 2 (3 items): 8 × 3 + 15 × 2 + 3 × 2 = 60 of 26 × 3 = 78.
    let chapters: Vec<(&str, usize, usize, usize)> = a
        .chapters
        .iter()
        .map(|c| (c.chapter.as_str(), c.facilities, c.passed, c.applicable))
        .collect();
    assert_eq!(chapters, [("1", 26, 112, 130), ("2", 26, 60, 78)]);

    // 附件1 by pinyin: 安贞 an, 北新桥 bei, 朝阳门 chao, 城关 cheng, 大石窝 da, 东华门 dong,
    // 韩村河 han, 交道口 jiao.
    let names: Vec<&str> = a
        .recommended
        .iter()
        .map(|s| s.facility.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "安贞社区卫生服务中心",
            "北新桥社区卫生服务中心",
            "朝阳门社区卫生服务中心",
            "城关镇卫生院",
            "大石窝镇卫生院",
            "东华门社区卫生服务中心",
            "韩村河镇卫生院",
            "交道口社区卫生服务中心",
        ]
    );
}

/// 自评 → 区级评审: C06 rated itself 推荐 (B B on the core items, C on 1.2.2 and 2.1.2)
/// where the district found 基本 (C C, 不达标 on both): 4 of 8 the same, 4 rated
/// higher (1.1.1, 1.2.1, 1.2.2, 2.1.2); T07's 自评 and 区级评审 agree on all 8. In all
/// 12 of 16 the same, 75%. 区级评审 → 市级复核: C05, 推荐 against 基本, 4 of 8.
#[test]
fn self_assessments_against_the_districts_review() {
    let d = district();
    let a = annual(&d, 2026, None);
    let groups: Vec<(ReviewKind, ReviewKind, usize, usize)> = a
        .agreements
        .iter()
        .map(|g| (g.first_kind, g.second_kind, g.compared(), g.same()))
        .collect();
    assert_eq!(
        groups,
        [
            (ReviewKind::SelfAssessment, ReviewKind::District, 16, 12),
            (ReviewKind::District, ReviewKind::CityRecheck, 8, 4),
        ]
    );
    let pairs: Vec<(&str, usize, usize, usize)> = a.agreements[0]
        .pairs
        .iter()
        .map(|p| (p.pair.facility.name.as_str(), p.compared, p.same, p.higher))
        .collect();
    assert_eq!(
        pairs,
        [
            ("建国门社区卫生服务中心", 8, 4, 4),
            ("阎村镇卫生院", 8, 8, 0),
        ]
    );
    let items: Vec<(&str, usize)> = a.agreements[0]
        .items
        .iter()
        .map(|(i, n)| (i.as_str(), *n))
        .collect();
    assert_eq!(
        items,
        [("1.1.1", 1), ("1.2.1", 1), ("1.2.2", 1), ("2.1.2", 1)]
    );
    assert_eq!(
        a.agreements[1].pairs[0].pair.facility.name,
        "和平里社区卫生服务中心"
    );
}

#[test]
fn the_year_before_and_another_region() {
    let d = district();
    // 2025: C12 推荐; T15–T17 基本; T18 未达到. Of 18 townships 3 基本: ⌈18⌉ needed.
    let a = annual(&d, 2025, None);
    let kinds = reviewed_by_kind(&a);
    assert_eq!(
        kinds,
        [
            ("社区卫生服务中心", 1, vec![1, 0, 0]),
            ("乡镇卫生院", 4, vec![0, 3, 1])
        ]
    );
    assert_eq!(a.targets.len(), 1);
    assert_eq!(
        (
            a.targets[0].1.counted,
            a.targets[0].1.needed,
            a.targets[0].1.status
        ),
        (3, 18, Status::Short(15))
    );
    let none = annual(&d, 2026, Some("天津市"));
    assert!(none.kinds.is_empty() && none.recommended.is_empty());
    assert!(none.targets.iter().all(|(_, o)| o.covered == 0));
}

/// Each facility type with how many have a result and how many at each verdict.
fn reviewed_by_kind(a: &Annual) -> Vec<(&str, usize, Vec<usize>)> {
    a.kinds
        .iter()
        .map(|k| (k.kind.as_str(), k.reviewed, k.by_verdict.clone()))
        .collect()
}

/// 附件2's rows as (行政区, 拟新建, 已建成, 由卫生院, 由中心, 完成比例 as text).
fn hospital_rows(a: &Annual) -> Vec<Vec<String>> {
    let t = pingshen::report::annual::tables(a)
        .into_iter()
        .find(|t| t.sheet == "附件2")
        .unwrap();
    assert_eq!(
        t.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        [
            "行政区",
            "年度拟新建社区医院个数",
            "其中已建成个数",
            "其中由乡镇卫生院建成个数",
            "由社区卫生服务中心建成个数",
            "年度完成比例（%）"
        ]
    );
    t.rows
}

#[test]
fn annex_2_new_community_hospitals_by_hand() {
    let d = district();
    let a = annual(&d, 2026, None);
    // 某区: 4 planned; built C01 (a centre) and T01 (a 卫生院): 2 of 4 = 50%. T02 is
    // named but failed its evaluation: not built. 另一区: 2 planned, none built: 0%.
    // 合计: 2 of 6 = 33.3%. Rows in pinyin order: 另 (ling) before 某 (mou).
    let rows = hospital_rows(&a);
    let want: Vec<Vec<&str>> = vec![
        vec!["北京市另一区", "2", "0", "0", "0", "0%"],
        vec!["北京市某区", "4", "2", "1", "1", "50%"],
        vec!["合计", "6", "2", "1", "1", "33.3%"],
    ];
    assert_eq!(rows, want);
    let h = &a.hospitals;
    assert_eq!(h.total().ratio().map(|r| (r * 1000.0).round()), Some(333.0));
    // 已建成名单 by pinyin: 安贞 (an) before 城关镇 (cheng).
    let built: Vec<(&str, String, String)> = h
        .built
        .iter()
        .map(|b| {
            (
                b.facility.name.as_str(),
                b.since.to_string(),
                b.evaluated.to_string(),
            )
        })
        .collect();
    assert_eq!(
        built,
        [
            (CENTRES[0], "2026-08-01".into(), "2026-07-15".into()),
            (TOWNSHIPS[0], "2026-09-01".into(), "2026-08-20".into()),
        ]
    );
    assert_eq!(
        h.unevaluated
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        [TOWNSHIPS[1]]
    );
    // The 社区医院 evaluations are no service-capability result: C01's stays 推荐 and
    // the verdict columns are the capability checklist's.
    assert_eq!(
        a.verdicts,
        ["达到推荐标准", "达到基本标准", "未达到基本标准"]
    );
    let c01 = a
        .standings
        .iter()
        .find(|s| s.facility.name == CENTRES[0])
        .unwrap();
    assert_eq!(c01.verdict, "达到推荐标准");

    // 2025: C02 named and evaluated that year, of 1 planned: 100%.
    let before = annual(&d, 2025, None);
    assert_eq!(
        hospital_rows(&before),
        [
            vec!["北京市某区", "1", "1", "0", "1", "100%"],
            vec!["合计", "1", "1", "0", "1", "100%"],
        ]
    );
    // One region asked for: its plan only.
    let one = annual(&d, 2026, Some("某区"));
    assert_eq!(hospital_rows(&one)[0][0], "北京市某区");
    assert_eq!(hospital_rows(&one).len(), 2);
}

fn run(dir: &Path, config: &Path, args: &[&str]) -> (bool, String, String) {
    let out = crate::common::pingshen(dir)
        .env("PINGSHEN_CONFIG_DIR", config)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn annual_prints_the_tables_and_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (data, config) = district_dir(dir.path());
    let (ok, out, err) = run(&data, &config, &["annual", "--year", "2026"]);
    assert!(ok, "{err}");
    assert!(out.contains("一、机构评审情况"), "{out}");
    assert!(out.contains("未达到，还差 3 家"), "{out}");
    assert!(
        out.contains("另有 1 次本年度的评审尚未标记为已完成"),
        "{out}"
    );
    let (ok, csv, err) = run(
        &data,
        &config,
        &["annual", "--year", "2026", "--format", "csv"],
    );
    assert!(ok, "{err}");
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("四、不达标条款排名"), "{csv}");
    assert!(
        csv.contains("1,2.1.2,签约满意度,基本医疗与公共卫生服务,18/26,69.2%"),
        "{csv}"
    );
    assert!(
        csv.contains("六、自评与区级评审的一致性：2 家机构，比对 16 条，评分相同 12 条（75%）"),
        "{csv}"
    );
    assert!(csv.contains("建国门社区卫生服务中心,4/8,50%,4"), "{csv}");
    // A targets file with a mistake: said with its place, nothing computed.
    std::fs::write(config.join("targets.toml"), "[[target]]\nname = 1\n").unwrap();
    let (ok, out, err) = run(&data, &config, &["annual", "--year", "2026"]);
    assert!(!ok);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("targets.toml:2:"), "{err}");
}

/// The district built, closed and copied into `dir/data`, with the targets file in
/// `dir/config`: no pingshen runs on a dir this process had open.
fn district_dir(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let data = dir.join("data");
    let config = dir.join("config");
    std::fs::create_dir_all(&config).unwrap();
    let Built { _dir: built, store } = district();
    drop(store);
    copy_dir(built.path(), &data);
    // The test checklists are not shipped: targets naming their verdicts need them.
    std::fs::create_dir_all(data.join("no-user-checklists")).unwrap();
    std::fs::write(
        data.join("no-user-checklists/small.toml"),
        include_str!("fixtures/small.toml"),
    )
    .unwrap();
    std::fs::write(config.join("targets.toml"), TARGETS).unwrap();
    (data, config)
}

#[test]
fn annual_writes_the_report_as_pdf_and_as_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let (data, config) = district_dir(dir.path());
    let pdf = dir.path().join("年度报告.pdf");
    let (ok, _, err) = run(
        &data,
        &config,
        &[
            "annual",
            "--year",
            "2026",
            "-o",
            pdf.to_str().unwrap(),
            "--filler",
            "王五",
            "--filler-phone",
            "010-12345678",
        ],
    );
    assert!(ok, "{err}");
    assert!(err.contains("已写入"), "{err}");
    let text: String =
        crate::report_support::poppler("pdftotext", &["-nodiag", pdf.to_str().unwrap(), "-"])
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
    for want in [
        "北京市某区2026年度“优质服务基层行”活动统计",
        "一、机构评审情况（按机构类型）",
        "未达到，还差3家",
        "四、不达标条款排名",
        "五、分章达标率",
        "六、自评与区级评审的一致性：2家机构，比对16条，评分相同12条（75%）",
        "附件1",
        "达到服务能力推荐标准的机构名单",
        "北京市某区安贞社区卫生服务中心",
        "附件2",
        "2026年新建社区医院情况汇总及名单",
        "已建成名单",
        "33.3%",
        "填报人：王五",
        "联系电话：010-12345678",
    ] {
        assert!(text.contains(want), "{want} not in {text}");
    }
    // 附件1 and 附件2 each begin a page: the page each is on holds nothing of what
    // comes before it.
    let info = crate::report_support::poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    let page_text = |n: usize| -> String {
        let n = n.to_string();
        crate::report_support::poppler(
            "pdftotext",
            &["-nodiag", "-f", &n, "-l", &n, pdf.to_str().unwrap(), "-"],
        )
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
    };
    let texts: Vec<String> = (1..=pages).map(page_text).collect();
    let on = |what: &str| texts.iter().position(|t| t.contains(what)).unwrap();
    let annex1 = on("达到服务能力推荐标准的机构名单");
    let annex2 = on("2026年新建社区医院情况汇总及名单");
    assert!(annex1 < annex2, "{texts:#?}");
    assert!(!texts[annex1].contains("一致性"), "{}", texts[annex1]);
    assert!(
        !texts[annex2].contains("达到服务能力推荐标准的机构名单"),
        "{}",
        texts[annex2]
    );

    // The workbook: a sheet a table, numbers as numbers.
    let book_path = dir.path().join("年度统计.xlsx");
    let (ok, _, err) = run(
        &data,
        &config,
        &[
            "annual",
            "--year",
            "2026",
            "-o",
            book_path.to_str().unwrap(),
            "--filler",
            "王五",
        ],
    );
    assert!(ok, "{err}");
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook(&book_path).unwrap();
    let names = book.sheet_names();
    for sheet in [
        "机构评审情况",
        "年度目标",
        "不达标条款",
        "附件1",
        "附件2",
        "附件2-已建成名单",
    ] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} not in {names:?}");
    }
    let range = book.worksheet_range("附件2").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    assert_eq!(
        rows[0][0],
        Data::String("附件2　2026年新建社区医院情况汇总及名单".into())
    );
    let total = rows
        .iter()
        .find(|r| r[0] == Data::String("合计".into()))
        .unwrap();
    assert_eq!(total[1], Data::Float(6.0));
    assert_eq!(total[2], Data::Float(2.0));
    let Data::Float(ratio) = total[5] else {
        panic!("{:?}", total[5])
    };
    assert!((ratio - 0.333).abs() < 1e-9, "{ratio}");
    let built = book.worksheet_range("附件2-已建成名单").unwrap();
    let cells: Vec<String> = built
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        cells.contains(&"北京市某区安贞社区卫生服务中心".to_string()),
        "{cells:?}"
    );
    assert!(cells.contains(&"王五".to_string()), "{cells:?}");

    // A PDF to the screen is refused with what to do; nothing written.
    let (ok, out, err) = run(
        &data,
        &config,
        &["annual", "--year", "2026", "--format", "pdf"],
    );
    assert!(!ok && out.is_empty());
    assert!(err.contains("请用 -o 指定输出文件"), "{err}");
}

#[test]
fn as_of_a_day_counts_only_what_is_dated_by_then() {
    let d = district();
    // To 2026-08-31 (附件2 reported on 9/1): C05's 市级复核 of 09-20 is not yet
    // there, so its 区级 推荐 stands: 社区 推荐 C01–C05, C12 = 6; 基本 C06–C09 = 4.
    let a = annual_as_of(&d, 2026, None, Some("2026-08-31"));
    assert_eq!(
        a.as_of.map(|d| d.to_string()).as_deref(),
        Some("2026-08-31")
    );
    let kinds = reviewed_by_kind(&a);
    assert_eq!(
        kinds,
        [
            ("社区卫生服务中心", 11, vec![6, 4, 1]),
            ("乡镇卫生院", 15, vec![3, 10, 2])
        ]
    );
    // No 区级评审 → 市级复核 pair yet.
    assert_eq!(a.agreements.len(), 1);
    // 附件2: only C01 (named 08-01) is built; T01 (09-01) and T02 (10-01) are not
    // named yet, so T02 is not listed apart either. 某区 1 of 4 = 25%; 合计 1/6.
    assert_eq!(
        hospital_rows(&a),
        [
            vec!["北京市另一区", "2", "0", "0", "0", "0%"],
            vec!["北京市某区", "4", "1", "0", "1", "25%"],
            vec!["合计", "6", "1", "0", "1", "16.7%"],
        ]
    );
    assert!(a.hospitals.unevaluated.is_empty());
    // To 06-30: the 回头看 reviews of July are not there yet.
    let june = annual_as_of(&d, 2026, None, Some("2026-06-30"));
    assert_eq!(june.look_back.rows.len(), 4);
    assert!(june.look_back.rows.iter().all(|r| r.re_reviewed.is_none()));
}

#[test]
fn as_of_outside_the_year_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (data, config) = district_dir(dir.path());
    let (ok, out, err) = run(
        &data,
        &config,
        &["annual", "--year", "2026", "--as-of", "2025-09-30"],
    );
    assert!(!ok && out.is_empty(), "{out}");
    assert!(err.contains("--as-of 2025-09-30 不在 2026 年之内"), "{err}");
    let (ok, out, err) = run(
        &data,
        &config,
        &["annual", "--year", "2026", "--as-of", "2026-08-31"],
    );
    assert!(ok, "{err}");
    assert!(out.contains("统计截至 2026-08-31"), "{out}");
    assert!(
        out.contains("北京市某区    4                       1"),
        "{out}"
    );
}
