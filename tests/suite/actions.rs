//! Corrective actions that are followed up: each 整改意见's 责任科室, 整改期限 and
//! status, set from the CLI and the TUI, kept in the record and its exports; the
//! 整改通知书 the facility receives; and at the next visit (回头看, 复核) what was found
//! of the previous review's open 整改意见, counted in the report.

use std::path::Path;

use assert_cmd::Command;
use pingshen::report::{ReportInput, ReportOptions, render, render_actions, write_pdf};
use pingshen::scoring::Grade;
use pingshen::store::{
    ActionPlan, ActionStatus, Edit, FollowUp, FollowUpCounts, PreviousActions, Store, read_bundle,
};
use predicates::prelude::*;

use crate::common::{export_to, trusting};
use crate::report_support::{GENERATED_AT, create, grade_all, open, poppler, shipped};
use crate::tui_support::{Harness, goto, qingshan};

fn pingshen(data: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env_remove("PINGSHEN_CHECKLIST_DIR");
    c
}

fn options() -> ReportOptions {
    ReportOptions {
        generated_at: Some(GENERATED_AT.into()),
        ..ReportOptions::default()
    }
}

/// pdftotext's text, white space removed.
fn text_of(pdf: &Path) -> String {
    poppler("pdftotext", &["-nodiag", pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn plan(owner: &str, due: Option<&str>, status: ActionStatus) -> ActionPlan {
    ActionPlan {
        owner: owner.into(),
        due: due.map(|d| d.parse().unwrap()),
        status,
    }
}

#[test]
fn a_plan_is_set_from_the_cli_refused_where_it_makes_no_sense_and_its_status_moves_after_completion()
 {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = pingshen(&data)
        .args([
            "new",
            "--checklist",
            "township-2022",
            "--institution",
            "青山镇卫生院",
            "--region",
            "湖南省邵阳市双清区",
            "--inspector",
            "张三",
            "--date",
            "2026-11-23",
        ])
        .assert()
        .success();
    let id = String::from_utf8_lossy(&out.get_output().stdout)
        .split_whitespace()
        .find(|w| w.len() == 10 && w.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap()
        .to_string();
    pingshen(&data)
        .args(["grade", &id, "1.1.1", "C", "--action", "补齐年度工作计划"])
        .args(["--owner", "院办", "--due", "2027/1/31"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "整改：责任科室 院办 · 期限 2027-01-31 · 待整改",
        ));
    let history_before = pingshen(&data)
        .args(["history", &id])
        .output()
        .unwrap()
        .stdout;
    // A plan without a 整改意见, a deadline before the review, an unknown status:
    // each refused with what to do, and nothing written.
    for (args, says) in [
        (vec!["1.1.2", "--owner", "院办"], "还没有整改意见"),
        (
            vec!["1.1.1", "--due", "2026-11-01"],
            "早于评审日期 2026-11-23",
        ),
        (
            vec!["1.1.1", "--status", "完成了"],
            "待整改、整改中、已整改、已复核",
        ),
        (
            vec!["1.1.1", "--due", "2027-02-30"],
            "2027 年 2 月没有 30 日",
        ),
        (vec!["1.1.1", "--follow-up", "已落实"], "没有关联上次评审"),
    ] {
        pingshen(&data)
            .args(["grade", &id])
            .args(&args)
            .assert()
            .failure()
            .stderr(predicate::str::contains(says));
    }
    let history_after = pingshen(&data)
        .args(["history", &id])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(
        history_before, history_after,
        "a refused change writes nothing"
    );

    // Completed: the grade is frozen, the corrective action's status still moves.
    pingshen(&data).args(["complete", &id]).assert().success();
    pingshen(&data)
        .args(["grade", &id, "1.1.1", "B"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("已标记为已完成"));
    pingshen(&data)
        .args(["grade", &id, "1.1.1", "--status", "已整改"])
        .assert()
        .success();
    pingshen(&data)
        .args(["history", &id, "1.1.1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("整改安排").and(predicate::str::contains("已整改")));
    pingshen(&data)
        .args(["show", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "责任科室 院办 · 期限 2027-01-31 · 已整改",
        ));
    let csv = dir.path().join("grades.csv");
    pingshen(&data)
        .args([
            "export",
            &id,
            "--format",
            "csv",
            "-o",
            csv.to_str().unwrap(),
        ])
        .assert()
        .success();
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(
        csv.contains("整改意见,责任科室,整改期限,整改状态,上次整改落实"),
        "{csv}"
    );
    assert!(
        csv.contains("补齐年度工作计划,院办,2027-01-31,已整改,"),
        "{csv}"
    );
    let store = open(&data);
    let a = store.assessment(&id, "1.1.1").unwrap().unwrap();
    assert_eq!(a.plan, plan("院办", Some("2027-01-31"), ActionStatus::Done));
    assert_eq!(a.by, "张三", "the change names who made it");
    assert_eq!(a.grade, Some(Grade::C));
}

#[test]
fn taking_the_action_away_takes_its_plan_and_undo_puts_the_plan_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("data"));
    let township = shipped("township-2022");
    let insp = create(&store, &township);
    let p = plan("公共卫生科", Some("2027-03-01"), ActionStatus::InProgress);
    store
        .update(
            &insp.id,
            "1.1.1",
            &[
                Edit::CorrectiveAction("规范应急物资台账".into()),
                Edit::Plan(p.clone()),
            ],
            "张三",
        )
        .unwrap();
    store
        .update(
            &insp.id,
            "1.1.1",
            &[Edit::ActionStatus(ActionStatus::Done)],
            "张三",
        )
        .unwrap();
    let undone = store.undo(&insp.id, "张三").unwrap();
    assert!(
        undone.message().contains("整改安排"),
        "{}",
        undone.message()
    );
    assert_eq!(
        store.assessment(&insp.id, "1.1.1").unwrap().unwrap().plan,
        p
    );
    let a = store
        .update(
            &insp.id,
            "1.1.1",
            &[Edit::CorrectiveAction(String::new())],
            "张三",
        )
        .unwrap()
        .assessment;
    assert!(
        a.plan.is_default(),
        "no plan without a 整改意见: {:?}",
        a.plan
    );
    let fresh = store
        .update(
            &insp.id,
            "1.1.1",
            &[Edit::CorrectiveAction("新的整改意见".into())],
            "张三",
        )
        .unwrap()
        .assessment;
    assert_eq!(
        fresh.plan.status,
        ActionStatus::Open,
        "a new one starts 待整改"
    );
}

/// The shipped township checklist graded in full (不达标 items with a 整改意见), with
/// plans on three of them and a 整改意见 on a C item.
fn graded_with_plans(store: &Store) -> (String, Vec<String>) {
    let township = shipped("township-2022");
    let insp = create(store, &township);
    let failing = grade_all(store, &insp, &township.0, 0, 0);
    let c_item = township.0.items().nth(2).unwrap().2.id.clone();
    store
        .update(
            &insp.id,
            &c_item,
            &[
                Edit::CorrectiveAction("补充慢病随访记录【C档整改】".into()),
                Edit::Plan(plan("公共卫生科", Some("2027-01-31"), ActionStatus::Open)),
            ],
            "王堃",
        )
        .unwrap();
    store
        .update(
            &insp.id,
            &failing[0],
            &[Edit::Plan(plan(
                "院办",
                Some("2027-02-28"),
                ActionStatus::InProgress,
            ))],
            "王堃",
        )
        .unwrap();
    store
        .update(
            &insp.id,
            &failing[1],
            &[Edit::Plan(plan("公共卫生科", None, ActionStatus::Open))],
            "王堃",
        )
        .unwrap();
    (insp.id, failing)
}

#[test]
fn the_report_lists_every_plan_in_the_action_list_and_the_item_table() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("data"));
    let (id, _) = graded_with_plans(&store);
    let input = ReportInput::load(&store, &id).unwrap();
    let pdf = dir.path().join("r.pdf");
    write_pdf(&pdf, &render(&input, &options()).unwrap().pdf).unwrap();
    let text = text_of(&pdf);
    let start = text.find("五、整改清单").unwrap();
    let end = text.find("六、条款明细").unwrap();
    let list = &text[start..end];
    for want in [
        "责任科室",
        "整改期限",
        "状态",
        "公共卫生科",
        "2027-01-31",
        "整改中",
        "【C档整改】",
    ] {
        assert!(list.contains(want), "{want} in {list}");
    }
    let table = &text[end..text.find("七、佐证材料索引").unwrap()];
    assert!(
        table.contains("补充慢病随访记录【C档整改】〔公共卫生科·2027-01-31前·待整改〕"),
        "{table}"
    );
}

#[test]
fn the_notice_groups_the_actions_by_department_with_deadlines_and_lines_to_sign() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("data"));
    let (id, failing) = graded_with_plans(&store);
    let pdf = dir.path().join("整改通知书.pdf");
    let input = ReportInput::load(&store, &id).unwrap();
    let made = render_actions(&input, &options()).unwrap();
    write_pdf(&pdf, &made.pdf).unwrap();
    let text = text_of(&pdf);
    assert!(text.contains("整改通知书"), "{text}");
    assert!(text.contains(crate::report_support::INSTITUTION));
    let total = failing.len() + 1;
    assert!(text.contains(&format!("整改意见共{total}条")), "{text}");
    // Departments in the order their first action comes in the checklist, those
    // with none named last; the counts are each department's.
    let public = text.find("公共卫生科（2条）").expect("公共卫生科 heading");
    let office = text.find("院办（1条）").expect("院办 heading");
    let none = text
        .find(&format!("未指定责任科室（{}条）", total - 3))
        .expect("the rest");
    assert!(public < office && office < none, "{text}");
    assert!(text[public..office].contains("2027-01-31"));
    assert!(text[office..none].contains("2027-02-28") && text[office..none].contains("整改中"));
    for want in [
        "评审组长",
        "王堃",
        "机构负责人",
        "赵昇",
        "（盖章）",
        "组织单位",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    // Not final: the watermark; the document information names it.
    let raw: String = poppler("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(raw.contains("草稿"), "{raw}");
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("整改通知书"), "{info}");
    let fonts = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    for line in fonts.lines().skip(2) {
        assert!(line.contains('+'), "a subset: {line}");
        assert!(line.contains(" yes "), "embedded: {line}");
    }
    // Completed: no watermark.
    store.complete(&id, "王堃").unwrap();
    let input = ReportInput::load(&store, &id).unwrap();
    write_pdf(&pdf, &render_actions(&input, &options()).unwrap().pdf).unwrap();
    let raw: String = poppler("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(!raw.contains("草稿"), "{raw}");
}

#[test]
fn the_notice_is_written_by_the_cli_where_asked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let id = graded_with_plans(&open(&data)).0;
    let out = dir.path().join("通知.pdf");
    pingshen(&data)
        .args(["report", &id, "--actions", "-o", out.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("已生成整改通知书"));
    assert!(text_of(&out).contains("公共卫生科（2条）"));
}

/// Last visit (completed, with three 整改意见, one already 已复核) and this one linked
/// to it.
fn two_visits(store: &Store) -> (String, String) {
    let township = shipped("township-2022");
    let old = create(store, &township).id;
    for (item, text, status) in [
        ("1.1.1", "补齐年度工作计划", ActionStatus::Open),
        ("1.1.2", "每年组织应急演练", ActionStatus::Done),
        ("1.2.1", "增设康复科", ActionStatus::Verified),
    ] {
        store
            .update(
                &old,
                item,
                &[
                    Edit::Grade(Some(Grade::D)),
                    Edit::CorrectiveAction(text.into()),
                    Edit::Plan(plan("院办", Some("2027-01-31"), status)),
                ],
                "王堃",
            )
            .unwrap();
    }
    store.complete(&old, "王堃").unwrap();
    let new = create(store, &township).id;
    (old, new)
}

#[test]
fn the_previous_reviews_open_actions_are_checked_one_by_one_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = open(&data);
    let (old, new) = two_visits(&store);
    let follow =
        |item: &str, f: Option<FollowUp>| store.update(&new, item, &[Edit::FollowUp(f)], "王堃");
    assert!(
        follow("1.1.1", Some(FollowUp::Done)).is_err(),
        "not linked yet"
    );
    store.link_previous(&new, Some(&old), "王堃").unwrap();
    let refused = follow("2.1.1", Some(FollowUp::Done))
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("没有对条款 2.1.1 提出整改意见"),
        "{refused}"
    );
    follow("1.1.1", Some(FollowUp::NotDone)).unwrap();
    follow("1.1.2", Some(FollowUp::Done)).unwrap();
    store
        .update(&new, "1.1.2", &[Edit::Grade(Some(Grade::C))], "王堃")
        .unwrap();

    let new_insp = store.get(&new).unwrap();
    let PreviousActions::Found { actions, .. } = store
        .previous_actions(&new_insp, &store.assessments(&new).unwrap())
        .unwrap()
    else {
        panic!("the previous review is here");
    };
    let open: Vec<&str> = actions.iter().map(|a| a.action.item_id.as_str()).collect();
    assert_eq!(open, ["1.1.1", "1.1.2"], "已复核 is closed");
    let counts = FollowUpCounts::of(&actions);
    assert_eq!(
        (counts.total, counts.done, counts.not_done, counts.unchecked),
        (2, 1, 1, 0)
    );

    let pdf = dir.path().join("r.pdf");
    let input = ReportInput::load(&store, &new).unwrap();
    write_pdf(&pdf, &render(&input, &options()).unwrap().pdf).unwrap();
    let text = text_of(&pdf);
    assert!(text.contains("上次整改意见落实情况"), "{text}");
    assert!(
        text.contains("上次评审的整改意见2条：已落实1条、未落实1条。"),
        "{text}"
    );
    assert!(text.contains("补齐年度工作计划") && !text.contains("增设康复科"));
    drop(input);
    drop(store);
    pingshen(&data)
        .args(["show", &new])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "上次评审的整改意见 2 条：已落实 1 条、未落实 1 条。",
        ));
}

#[test]
fn plans_and_follow_ups_travel_in_the_export_and_two_laptops_plans_conflict() {
    let lead_dir = tempfile::tempdir().unwrap();
    let lead = Store::open(lead_dir.path()).unwrap();
    let (old, new) = two_visits(&lead);
    lead.link_previous(&new, Some(&old), "王堃").unwrap();
    lead.update(
        &new,
        "1.1.1",
        &[
            Edit::Grade(Some(Grade::C)),
            Edit::CorrectiveAction("计划分解到科室".into()),
            Edit::FollowUp(Some(FollowUp::Partly)),
        ],
        "王堃",
    )
    .unwrap();
    let files = tempfile::tempdir().unwrap();
    let bundle = export_to(&lead, &new, &files.path().join("lead.pingshen"));

    // Two laptops take the lead's record and each names a department.
    let mut laptops = Vec::new();
    for (n, owner) in ["院办", "医务科"].into_iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.import(&bundle, &trusting(&[&bundle])).unwrap();
        let here = store.assessment(&new, "1.1.1").unwrap().unwrap();
        assert_eq!(
            here.follow_up,
            Some(FollowUp::Partly),
            "the follow-up travels"
        );
        store
            .update(&new, "1.1.1", &[Edit::ActionOwner(owner.into())], "李珺玥")
            .unwrap();
        let b = export_to(&store, &new, &files.path().join(format!("{n}.pingshen")));
        laptops.push((dir, store, b));
    }
    let named: Vec<(String, pingshen::store::Bundle)> = laptops
        .iter()
        .enumerate()
        .map(|(n, (_, _, b))| (format!("{n}.pingshen"), b.clone()))
        .collect();
    let bundles: Vec<&pingshen::store::Bundle> = laptops.iter().map(|(_, _, b)| b).collect();
    let report = lead.merge(&named, &trusting(&bundles)).unwrap();
    let fields: Vec<_> = report
        .conflicts
        .iter()
        .map(|c| (c.item_id.as_str(), c.field.label()))
        .collect();
    assert_eq!(fields, [("1.1.1", "整改安排")], "{report:?}");
    let versions = lead.item_versions(&new, "1.1.1").unwrap();
    let pick = versions
        .iter()
        .position(|v| v.assessment.plan.owner == "医务科")
        .unwrap();
    let settled = lead.settle(&new, "1.1.1", pick, "王堃").unwrap();
    assert_eq!(settled.plan.owner, "医务科");
    assert!(lead.conflicts(&new).unwrap().is_empty());

    // The whole record, moved to a fresh laptop, reads the same.
    let moved = tempfile::tempdir().unwrap();
    let copy = Store::open(moved.path()).unwrap();
    let file = files.path().join("final.pingshen");
    lead.export(&new).unwrap().write(&file).unwrap();
    let b = read_bundle(&file).unwrap();
    copy.import(&b, &trusting(&[&b])).unwrap();
    assert_eq!(
        copy.assessments(&new).unwrap(),
        lead.assessments(&new).unwrap()
    );
}

#[test]
fn the_walkthrough_sets_a_plan_in_its_form_and_records_a_follow_up() {
    let (dir, store) = crate::tui_support::store();
    let old = qingshan(&store, "2025-11-20");
    store
        .update(
            &old,
            "1.1.2",
            &[
                Edit::Grade(Some(Grade::D)),
                Edit::CorrectiveAction("每年组织应急演练".into()),
            ],
            "张敏",
        )
        .unwrap();
    let new = qingshan(&store, crate::tui_support::TODAY);
    store.link_previous(&new, Some(&old), "张敏").unwrap();
    store
        .update(
            &new,
            "1.1.1",
            &[Edit::CorrectiveAction("补齐年度工作计划".into())],
            "张敏",
        )
        .unwrap();
    let mut h = Harness::new(dir, store);
    // The newest inspection is listed first.
    h.press("Enter");
    assert_eq!(h.app.walk.as_ref().unwrap().inspection.id, new);

    // No 整改意见: no plan, and the status says what to do first.
    goto(&mut h, "1.1.3");
    h.press("R");
    assert!(h.status().contains("先按 r 写整改意见"), "{}", h.status());

    goto(&mut h, "1.1.1");
    h.press("R");
    h.type_text("公共卫生科");
    h.press("Tab");
    h.type_text("2027-13-01");
    h.press("ctrl-s");
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("没有 13 月"),
        "the form says what is wrong:\n{screen}"
    );
    assert!(
        h.store()
            .assessment(&new, "1.1.1")
            .unwrap()
            .unwrap()
            .plan
            .is_default()
    );
    for _ in 0.."2027-13-01".len() {
        h.press("Backspace");
    }
    h.type_text("2027/2/1");
    h.press("Tab");
    h.press("Right");
    h.press("Enter");
    assert!(
        h.status().starts_with("已保存：1.1.1 的整改安排"),
        "{}",
        h.status()
    );
    let a = h.store().assessment(&new, "1.1.1").unwrap().unwrap();
    assert_eq!(
        a.plan,
        plan("公共卫生科", Some("2027-02-01"), ActionStatus::InProgress)
    );
    assert_eq!(a.by, "张敏");
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("责任科室 公共卫生科 · 期限 2027-02-01 · 整改中"),
        "{screen}"
    );

    // Last time's 整改意见 on 1.1.2: shown, marked in the tree, and checked.
    goto(&mut h, "1.1.2");
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("每年组织应急演练") && screen.contains("待核查"),
        "{screen}"
    );
    h.press("y");
    h.press("2");
    assert_eq!(
        h.store()
            .assessment(&new, "1.1.2")
            .unwrap()
            .unwrap()
            .follow_up,
        Some(FollowUp::Partly)
    );
    assert!(h.status().contains("部分落实"), "{}", h.status());
    goto(&mut h, "1.1.3");
    h.press("y");
    assert!(h.status().contains("没有对 1.1.3 提出"), "{}", h.status());

    // The 整改通知书 from the walkthrough, written to the output folder on a worker.
    h.press("g");
    h.type_text("1.1.1");
    h.press("Enter");
    h.press("a");
    h.press_and_wait("N");
    assert!(
        h.status().starts_with("已生成整改通知书（草稿）"),
        "{}",
        h.status()
    );
    let written: Vec<String> = std::fs::read_dir(h.dir.path().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, ["青山镇卫生院-整改通知书-2026-11-23.pdf"]);
    let window = h.screen(120, 40);
    assert!(window.contains("才是正式的整改通知书"), "{window}");
    h.press("q");

    // The summary counts both.
    h.press("s");
    let screen = h.screen(120, 40);
    assert!(screen.contains("整改意见 1 条：整改中 1。"), "{screen}");
    assert!(
        screen.contains("上次评审的整改意见 1 条：部分落实 1 条。"),
        "{screen}"
    );
}
