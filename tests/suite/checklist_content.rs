//! The content revision of the shipped checklists (checklists/README.md, 修订记录): one
//! test per fix, on what an inspector or a province would notice.

use pingshen::checklist::{Checklist, Item};
use pingshen::scoring::{Grade, evaluate};

use crate::common::shipped;

fn community() -> Checklist {
    shipped("community-2022").0
}

fn township() -> Checklist {
    shipped("township-2022").0
}

fn item<'c>(c: &'c Checklist, id: &str) -> &'c Item {
    c.find_item(id)
        .unwrap_or_else(|| panic!("{} has no {id}", c.id))
}

/// Every text of an item, for searching.
fn texts(it: &Item) -> String {
    format!(
        "{} {} {} {} {}",
        it.title,
        it.criteria.c,
        it.criteria.b.as_deref().unwrap_or(""),
        it.criteria.a.as_deref().unwrap_or(""),
        it.guidance.as_deref().unwrap_or("")
    )
}

#[test]
fn every_basic_item_at_exactly_c_does_not_reach_the_basic_standard() {
    // The official 合格标准 floor (≥ 20% at B, ≥ 5% at A) is below 基本标准.
    for c in [community(), township()] {
        let e = evaluate(&c, |_| Some(Grade::C));
        assert_eq!(e.verdict, "未达到基本标准", "{}", c.id);
        // 20% at B and 5% at A among basic items, the rest at C: 基本 is reached.
        let basic: Vec<&str> = c
            .items()
            .filter(|(_, _, it)| it.tier == pingshen::checklist::Tier::Basic)
            .map(|(_, _, it)| it.id.as_str())
            .collect();
        let n = basic.len();
        let (a, b) = (n.div_ceil(20), n.div_ceil(5));
        let grade = |id: &str| match basic.iter().position(|x| *x == id) {
            Some(i) if i < a => Some(Grade::A),
            Some(i) if i < a + b => Some(Grade::B),
            _ => Some(Grade::C),
        };
        // Core items must be at C anyway; none is below.
        assert_eq!(evaluate(&c, grade).verdict, "达到基本标准", "{}", c.id);
    }
}

#[test]
fn a_township_without_surgery_or_beds_can_reach_the_basic_standard() {
    let c = township();
    let without = [
        "1.4.2", "2.3.1", "2.3.2", "2.3.3", "2.3.4", "2.3.5", "2.3.6", "2.3.7",
    ];
    for id in without {
        assert!(item(&c, id).allow_na, "{id} must allow 不适用");
        assert!(!item(&c, id).core, "{id}");
    }
    // Everything else basic at B (a tenth at A), recommended items not reached.
    let grade = |id: &str| {
        let it = c.find_item(id)?;
        Some(if without.contains(&id) {
            Grade::NotApplicable
        } else if it.tier == pingshen::checklist::Tier::Recommended {
            if it.allow_na {
                Grade::NotApplicable
            } else {
                Grade::D
            }
        } else if id.ends_with(".1") {
            Grade::A
        } else {
            Grade::B
        })
    };
    assert_eq!(evaluate(&c, grade).verdict, "达到基本标准");
}

/// The item of `c` whose title contains `word`.
fn titled<'c>(c: &'c Checklist, word: &str) -> &'c Item {
    let found: Vec<&Item> = c
        .items()
        .map(|(_, _, it)| it)
        .filter(|it| it.title.contains(word))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{}: {word}: {:?}",
        c.id,
        found.iter().map(|i| &i.id).collect::<Vec<_>>()
    );
    found[0]
}

#[test]
fn the_same_national_rule_is_marked_alike_in_both_checklists() {
    let (cc, tt) = (community(), township());
    for word in [
        "基本药物",
        "处方点评",
        "九项准则",
        "医保基金",
        "不良事件",
        "手卫生",
        "预检分诊",
        "危急值",
        "长期处方",
        "高血压",
        "2型糖尿病",
    ] {
        let (a, b) = (titled(&cc, word), titled(&tt, word));
        assert_eq!(
            (a.core, a.tier),
            (b.core, b.tier),
            "{word}: C{} vs T{}",
            a.id,
            b.id
        );
    }
    assert!(item(&cc, "1.3.3").criteria.c.contains("≥20%"));
    assert!(item(&tt, "1.3.4").criteria.c.contains("不低于20%"));
    assert!(
        item(&cc, "1.3.4")
            .criteria
            .b
            .as_deref()
            .unwrap()
            .contains("0.4:1")
    );
    assert!(
        item(&tt, "1.3.1")
            .criteria
            .b
            .as_deref()
            .unwrap()
            .contains("0.4:1")
    );
    let events = "每百张床位报告不良事件不少于20件（无床位的，每百名卫生技术人员不少于5件）";
    assert!(
        item(&cc, "3.2.4")
            .criteria
            .b
            .as_deref()
            .unwrap()
            .contains(events)
    );
    assert!(
        item(&tt, "3.2.5")
            .criteria
            .b
            .as_deref()
            .unwrap()
            .contains(events)
    );
}

#[test]
fn the_community_checklist_serves_rural_centres_and_self_review() {
    let c = community();
    for word in ["五统一", "村级巡诊", "常规手术", "手术安全核查"] {
        assert!(titled(&c, word).allow_na, "{word}");
    }
    assert_eq!(
        titled(&c, "自评与持续改进").tier,
        pingshen::checklist::Tier::Basic
    );
    for word in ["治未病", "药学服务", "分级护理", "医疗污水", "临床路径"] {
        titled(&c, word);
    }
    assert!(
        item(&c, "3.2.2")
            .criteria
            .c
            .contains("《社区医院医疗质量安全核心制度要点（试行）》")
    );
    let t = township();
    assert!(titled(&t, "安宁疗护").allow_na);
    assert!(texts(titled(&t, "中心卫生院")).contains("一般卫生院评「不适用」"));
}

#[test]
fn each_item_grades_one_subject() {
    let t = township();
    assert!(!texts(item(&t, "2.1.4")).contains("龋") && titled(&t, "口腔").id == "2.1.6");
    assert!(!item(&t, "1.5.4").criteria.c.contains("呼吸机"));
    assert!(!texts(item(&t, "2.1.2")).contains("首诊负责"));
    let c = community();
    assert!(!texts(item(&c, "3.3.4")).contains("注射室"));
    assert!(!texts(item(&c, "2.4.4")).contains("专病门诊"));
}

#[test]
fn no_criterion_measures_gadgets_ranks_or_tiny_samples() {
    for c in [community(), township()] {
        for (_, _, it) in c.items() {
            let t = format!(
                "{} {} {}",
                it.criteria.c,
                it.criteria.b.as_deref().unwrap_or(""),
                it.criteria.a.as_deref().unwrap_or("")
            );
            for bad in ["前50%", "叫号系统", "自助打印", "随机调查", "CT或通过"] {
                assert!(!t.contains(bad), "{} {}: {bad}", c.id, it.id);
            }
        }
    }
}

#[test]
fn no_item_contradicts_another() {
    let c = community();
    assert!(
        !item(&c, "3.6.3").allow_na,
        "DR is required, so radiation protection applies"
    );
    assert!(!item(&c, "2.6.5").allow_na, "上门服务 is national policy");
    assert!(item(&c, "2.6.7").allow_na);
    let b = item(&c, "2.6.2").criteria.b.as_deref().unwrap();
    assert!(b.contains("高于年度目标"), "{b}");
}

#[test]
fn terms_are_the_right_ones() {
    let (c, t) = (community(), township());
    assert!(item(&c, "1.3.2").criteria.c.contains("执业类别为公共卫生"));
    assert!(
        item(&c, "2.2.3")
            .criteria
            .c
            .contains("12导联心电图（必要时加做18导联）")
    );
    for x in [item(&c, "4.4.1"), item(&t, "4.4.1")] {
        assert!(
            x.criteria
                .c
                .contains("《全国基层医疗卫生机构信息化建设标准与规范（试行）》")
        );
    }
    let gp = &item(&c, "1.3.1").criteria.c;
    assert!(gp.contains("培训合格证") && gp.contains("执业助理医师"));
    let signing = item(&t, "2.6.1");
    assert!(!signing.criteria.c.contains("40%"));
    assert!(
        signing
            .guidance
            .as_deref()
            .unwrap()
            .contains("不是全国统一要求")
    );
    assert!(!texts(item(&t, "2.4.2")).contains("8类"));
}

#[test]
fn the_test_menu_follows_the_guide() {
    for (c, id) in [(community(), "1.5.2"), (township(), "1.5.3")] {
        let it = item(&c, id);
        for test in ["便常规", "电解质", "淀粉酶", "ABO血型"] {
            assert!(
                it.criteria.c.contains(test) || it.criteria.c.contains("血尿便常规"),
                "{id} {test}"
            );
        }
        let b = it.criteria.b.as_deref().unwrap();
        assert!(b.contains("糖化血红蛋白") && b.contains("凝血"), "{id}");
    }
}

#[test]
fn local_models_are_named_as_such() {
    let t = township();
    let money = texts(item(&t, "2.7.3"));
    assert!(money.contains("统一核算或监管") && money.contains("宝坻"));
    assert!(texts(item(&t, "2.7.6")).contains("以县（区）规定为准"));
    for c in [community(), township()] {
        for (_, _, it) in c.items() {
            let all = texts(it);
            for label in ["AA级", "旗舰", "家庭保健员"] {
                if all.contains(label) {
                    assert!(all.contains("本省"), "{} {}: {label}", c.id, it.id);
                }
            }
        }
    }
}

#[test]
fn the_files_are_titled_as_evaluation_checklists_and_name_the_guide() {
    for c in [community(), township()] {
        assert!(c.title.contains("评价清单（对照2022版标准"), "{}", c.title);
        assert!(c.source.contains("评价指南（2023版）"), "{}", c.id);
    }
}

#[test]
fn the_community_hospital_checklist_is_pass_fail_and_refers_to_the_recommended_standard() {
    let (c, _) = shipped("community-hospital-2019");
    for (_, _, it) in c.items() {
        assert_eq!(it.max_level(), pingshen::checklist::Level::C, "{}", it.id);
        assert_eq!(
            it.declared_max,
            Some(pingshen::checklist::Level::C),
            "{}",
            it.id
        );
    }
    assert!(item(&c, "1.1.1").criteria.c.contains("推荐标准"));
    // Everything met: reached; one item 不达标: not reached, under its own name.
    assert_eq!(
        evaluate(&c, |_| Some(Grade::C)).verdict,
        "达到社区医院基本标准"
    );
    let one_short = |id: &str| Some(if id == "2.1.1" { Grade::D } else { Grade::C });
    assert_eq!(evaluate(&c, one_short).verdict, "未达到社区医院基本标准");
}

#[test]
fn the_village_clinic_checklist_covers_what_a_village_clinic_is_reviewed_on() {
    let (c, _) = shipped("village-clinic");
    let all: String = c.items().map(|(_, _, it)| texts(it)).collect();
    for topic in [
        "乡村医生执业证书",
        "培训",
        "基本药物制度",
        "统一采购",
        "五统一",
        "医保联网结算",
        "中医阁",
        "4类6项",
        "巡诊",
        "家庭医生",
        "基本公共卫生",
        "传染病",
        "医疗废物",
        "急救",
        "健康档案",
    ] {
        assert!(all.contains(topic), "{topic}");
    }
    assert_eq!(evaluate(&c, |_| None).verdict, "未达到村卫生室服务能力标准");
}
