//! Key sequences on the inspection list and the new-inspection form, the sample
//! inspection, background export and the user keymap; state and store asserted.

use crate::tui_support;

use pingshen::scoring::Grade;
use pingshen::store::ReviewKind;
use pingshen::tui::{Effect, Keymap, Screen, StatusKind};
use tui_support::*;

#[test]
fn new_inspection_form_checks_fields_and_creates() {
    let mut h = Harness::empty();
    h.press_and_wait("n");
    assert_eq!(h.app.screen(), Screen::Form);
    h.press("ctrl-s");
    let form = h.app.form().unwrap();
    use pingshen::tui::screens::FieldId;
    assert!(form.error(FieldId::Name).is_some());
    assert!(form.error(FieldId::Region).is_some());
    assert!(form.error(FieldId::Inspectors).is_some());
    assert!(form.error(FieldId::Date).is_none(), "today is filled in");
    assert_eq!(form.focus, FieldId::Name, "focus on the first problem");
    assert_eq!(h.app.status.as_ref().unwrap().kind, StatusKind::Error);

    h.type_text("东城区朝阳门社区卫生服务中心");
    h.press("Tab");
    h.type_text("北京市东城区");
    h.keys(&["Tab", "Tab"]); // type (prefilled), head
    h.type_text("王建国");
    h.press("Tab");
    h.type_text("13800000000");
    h.press("Tab"); // review kind: 区级评审 preselected
    h.press("Right");
    h.press("Tab");
    h.type_text("北京市东城区卫生健康委员会");
    h.press("Tab");
    // Date: clear and type another.
    h.press("ctrl-u");
    h.type_text("2026-11-24");
    h.press("Tab");
    h.type_text("张敏、李强，赵磊");
    h.press("Tab"); // checklist
    h.press("Right"); // township-2022
    h.press("Left"); // back to community-2022
    h.press("ctrl-s");
    assert_eq!(h.app.screen(), Screen::Walkthrough, "{}", h.status());
    let all = h.store().list().unwrap();
    assert_eq!(all.len(), 1);
    let i = &all[0];
    assert_eq!(i.institution.name, "东城区朝阳门社区卫生服务中心");
    assert_eq!(i.institution.kind, "社区卫生服务中心");
    assert_eq!(i.institution.head, "王建国");
    assert_eq!(i.review_kind, ReviewKind::CityRecheck);
    assert_eq!(i.date.to_string(), "2026-11-24");
    assert_eq!(i.inspectors, ["张敏", "李强", "赵磊"]);
    assert_eq!(i.lead(), Some("张敏"));
    assert_eq!(i.organiser, "北京市东城区卫生健康委员会");
    assert_eq!(i.checklist.id, "community-2022");
    assert!(!i.sample);
}

#[test]
fn leaving_a_filled_form_asks_first() {
    let mut h = Harness::empty();
    h.press_and_wait("n");
    h.type_text("某");
    h.press("Esc");
    assert_eq!(h.app.context(), pingshen::tui::Context::Confirm);
    h.press("y");
    assert_eq!(h.app.screen(), Screen::List);
}

#[test]
fn first_start_offers_a_sample_marked_as_such() {
    let mut h = Harness::empty();
    assert!(h.app.list.all.is_empty());
    h.press_and_wait("s");
    assert_eq!(h.app.screen(), Screen::Walkthrough);
    let w = h.app.walk.as_ref().unwrap();
    assert!(w.inspection.sample);
    assert!(w.inspection.institution.name.contains("示例"));
    assert_eq!(w.graded, 5);
    assert!(w.assessments.values().any(|a| !a.note.is_empty()));
    assert!(
        w.assessments
            .values()
            .any(|a| !a.corrective_action.is_empty())
    );
    assert_eq!(h.store().list().unwrap().len(), 1);
}

#[test]
fn list_filters_by_typing_and_deletes_with_a_backup() {
    let (dir, store) = store();
    create(
        &store,
        "township-2022",
        new_inspection("青山镇卫生院", "双清区", "乡镇卫生院", "2026-11-20"),
    );
    let keep = create(
        &store,
        "community-2022",
        new_inspection(
            "朝阳门社区卫生服务中心",
            "东城区",
            "社区卫生服务中心",
            "2026-11-21",
        ),
    );
    let mut h = Harness::new(dir, store);
    assert_eq!(h.app.list.visible().len(), 2);
    // Chinese from the input method filters at once.
    h.type_text("青山");
    assert!(h.app.list.filtering);
    assert_eq!(h.app.list.visible().len(), 1);
    h.press("Esc");
    assert_eq!(h.app.list.visible().len(), 2);
    h.press("/");
    h.type_text("rmb");
    assert_eq!(h.app.list.visible().len(), 0);
    h.press("Esc");

    // Newest date first: the township one is second.
    h.press("Down");
    h.press("d");
    assert_eq!(h.app.context(), pingshen::tui::Context::Confirm);
    h.press("n");
    assert_eq!(h.store().list().unwrap().len(), 2, "n keeps it");
    h.press("d");
    h.press("y");
    let left = h.store().list().unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, keep);
    match h.app.popups.last() {
        Some(pingshen::tui::popups::Popup::Message(m)) => {
            let path = m
                .lines
                .iter()
                .map(|l| l.as_str())
                .find(|l| l.ends_with(".pingshen"))
                .expect("backup path shown");
            assert!(std::path::Path::new(path).is_file(), "{path}");
        }
        _ => panic!("the backup path is shown"),
    }
}

#[test]
fn export_runs_on_a_job_and_reports_back() {
    let (dir, store) = store();
    create(
        &store,
        "township-2022",
        new_inspection("青山镇卫生院", "双清区", "乡镇卫生院", TODAY),
    );
    let mut h = Harness::new(dir, store);
    let effects = h.press("e");
    let job = match effects.into_iter().next() {
        Some(Effect::Spawn(job)) => job,
        other => panic!("expected a job, got {other:?}"),
    };
    assert_eq!(h.app.jobs_running(), 1);
    let mut jobs = pingshen::tui::jobs::Jobs::default();
    jobs.spawn(job);
    let result = jobs
        .wait(std::time::Duration::from_secs(30))
        .expect("job finished");
    h.update(pingshen::tui::Action::JobDone(result));
    assert_eq!(h.app.jobs_running(), 0);
    let file = "青山镇卫生院-2026-11-23.pingshen";
    assert_eq!(h.status(), format!("已导出 {file}"));
    // Into the output folder, and the window gives the whole path.
    let path = h.dir.path().join("reports").join(file);
    assert!(path.is_file(), "{} written", path.display());
    match h.app.popups.last() {
        Some(pingshen::tui::popups::Popup::Message(m)) => {
            assert!(
                m.text().contains(&path.display().to_string()),
                "{}",
                m.text()
            );
            assert_eq!(m.folder.as_deref(), path.parent());
        }
        _ => panic!("a window with the path"),
    }
}

#[test]
fn user_keymap_overrides_one_key() {
    let (dir, store) = store();
    create(
        &store,
        "township-2022",
        new_inspection("青山镇卫生院", "双清区", "乡镇卫生院", TODAY),
    );
    let mut h = Harness::new(dir, store);
    let (keymap, problems) = Keymap::with_user(
        "[walkthrough]\ngrade_na = \"0\"\ngrade_a = \"Hyper-a\"\n",
        "keymap.toml",
    );
    assert_eq!(problems.len(), 1);
    h.app.keymap = keymap;
    h.press("Enter");
    goto(&mut h, "1.1.2");
    let id = h.app.walk.as_ref().unwrap().inspection.id.clone();
    let allow = h
        .app
        .walk
        .as_ref()
        .unwrap()
        .checklist
        .find_item("1.1.2")
        .unwrap()
        .allow_na;
    h.press("0");
    if allow {
        assert_eq!(stored_grade(&h, &id, "1.1.2"), Some(Grade::NotApplicable));
    } else {
        assert!(h.status().contains("不适用"));
    }
    h.press("a"); // grade_a kept its default: the bad key was not applied
    assert_eq!(stored_grade(&h, &id, "1.1.2"), Some(Grade::A));
    // The help is built from the live keymap.
    h.press("?");
    match h.app.popups.last() {
        Some(pingshen::tui::popups::Popup::Help(help)) => {
            assert!(
                help.viewer
                    .lines
                    .iter()
                    .map(|l| l.as_str())
                    .any(|l| l.contains('0') && l.contains("评为 不适用"))
            );
        }
        _ => panic!("help opens"),
    }
}

#[test]
fn keymap_problems_are_shown_at_start() {
    let (dir, store) = store();
    let options = pingshen::tui::Options {
        checklist_dir: None,
        keymap_file: None,
        today: TODAY.into(),
        output_dir: None,
        auto_advance: false,
        settings_problem: None,
        inspector: None,
        config_dir: None,
    };
    let (keymap, problems) = Keymap::with_user(
        "[walkthrough]\ngrade_a = \"Hyper\"\n",
        "/home/u/.config/pingshen/keymap.toml",
    );
    let problems: Vec<String> = problems.iter().map(|d| d.to_string()).collect();
    let app = pingshen::tui::App::new(std::sync::Arc::new(store), options, keymap, problems);
    match app.popups.last() {
        Some(pingshen::tui::popups::Popup::Message(m)) => {
            let all = m.text();
            assert!(all.contains("keymap.toml:2:"), "{all}");
        }
        _ => panic!("a message"),
    }
    drop(dir);
}

/// The checklists are read on a worker: the form opens at once, what is typed before
/// the scan reports is kept, and the checklist field fills in when it does.
#[test]
fn the_form_opens_at_once_and_the_checklists_arrive_from_a_worker() {
    use pingshen::tui::jobs::JobKind;
    let mut h = Harness::empty();
    let effects = h.press("n");
    assert_eq!(h.app.screen(), Screen::Form);
    assert!(h.app.is_running(JobKind::ScanChecklists));
    assert!(h.screen(100, 30).contains("正在读取清单"));
    h.type_text("先输入的机构名称");
    run_job(&mut h, effects, std::time::Duration::from_secs(60));
    let form = h.app.form().unwrap();
    assert_eq!(form.name.text(), "先输入的机构名称");
    assert!(!form.scanning && !form.catalog.available.is_empty());
    assert!(!h.screen(100, 30).contains("正在读取清单"));
}

/// Ctrl-S before the checklists are read is not lost: the inspection is created as
/// soon as they are.
#[test]
fn submitting_before_the_checklists_are_read_creates_once_they_are() {
    let mut h = Harness::empty();
    let effects = h.press("n");
    h.type_text("东城区朝阳门社区卫生服务中心");
    h.press("Tab");
    h.type_text("北京市东城区");
    // Past 机构类型, 负责人, 电话, 评审类型, 组织单位 and 日期 to 评审专家.
    for _ in 0..7 {
        h.press("Tab");
    }
    h.type_text("张敏");
    h.press("ctrl-s");
    assert!(h.status().contains("读取完成后自动创建"), "{}", h.status());
    assert!(h.store().list().unwrap().is_empty());
    run_job(&mut h, effects, std::time::Duration::from_secs(60));
    assert_eq!(h.app.screen(), Screen::Walkthrough, "{}", h.status());
    assert_eq!(h.store().list().unwrap().len(), 1);
}

/// The form offers the facility register: the name typed so far (or its pinyin
/// initials) finds the registered facilities; the one chosen fills name, region,
/// type, head and phone, and the inspection created is under it.
#[test]
fn the_form_picks_a_registered_facility() {
    let (dir, store) = store();
    register(
        &store,
        &[
            ("青山镇卫生院", "乡镇卫生院", "周院长"),
            ("青龙湖镇卫生院", "乡镇卫生院", "吴院长"),
            ("绿水镇卫生院", "乡镇卫生院", "郑院长"),
        ],
    );
    let mut h = Harness::new(dir, store);
    h.press_and_wait("n");
    let screen = h.screen(100, 30);
    assert!(screen.contains("Ctrl-F 选机构"), "{screen}");
    h.type_text("qs");
    h.press("ctrl-f");
    let screen = h.screen(100, 30);
    assert!(screen.contains("机构名录 · 「qs」 1 家"), "{screen}");
    assert!(
        screen.contains("青山镇卫生院  湖南省某县  乡镇卫生院"),
        "{screen}"
    );
    assert!(!screen.contains("青龙湖镇卫生院"), "{screen}");
    h.press("Enter");
    use pingshen::tui::screens::FieldId;
    let form = h.app.form().unwrap();
    assert_eq!(form.input(FieldId::Name).unwrap().text(), "青山镇卫生院");
    assert_eq!(form.input(FieldId::Region).unwrap().text(), "湖南省某县");
    assert_eq!(form.input(FieldId::Head).unwrap().text(), "周院长");
    assert_eq!(form.focus, FieldId::ReviewKind);
    assert!(
        h.status().contains("已从机构名录填入「青山镇卫生院」"),
        "{}",
        h.status()
    );
    // Nothing typed: the whole register, by pinyin (绿 lü before 青 qing).
    h.keys(&["Up", "Up", "Up", "Up", "Up"]);
    h.press("ctrl-u");
    h.press("ctrl-f");
    let screen = h.screen(100, 30);
    assert!(screen.contains("机构名录（3 家）"), "{screen}");
    let at = |s: &str| screen.find(s).unwrap();
    assert!(at("1 绿水镇卫生院") < at("2 青龙湖镇卫生院"), "{screen}");
    h.press("2");
    h.keys(&["Tab"]); // 组织单位
    h.keys(&["Tab", "Tab"]); // 评审日期, 评审专家
    h.type_text("王喆");
    h.press("ctrl-s");
    assert_eq!(h.app.screen(), Screen::Walkthrough, "{}", h.status());
    let made = &h.store().list().unwrap()[0];
    assert_eq!(made.institution.name, "青龙湖镇卫生院");
    assert_eq!(made.institution.head, "吴院长");
    let register = h.store().facilities().unwrap();
    assert_eq!(register.len(), 3, "no second record of it");
    assert_eq!(
        register
            .resolve(made.facility.as_deref().unwrap())
            .unwrap()
            .name,
        "青龙湖镇卫生院"
    );
}
