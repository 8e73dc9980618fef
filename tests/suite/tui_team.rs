//! The review report, merging the team's exports, settling conflicts and comparing
//! with the last review, driven by keys through `update` with the state asserted.
//! The report is built on a real worker; the test waits for its result with a
//! timeout, never a fixed sleep.

use crate::tui_support;
use pingshen::tui::jobs::JobKind;

use std::path::Path;
use std::time::Duration;

use pingshen::scoring::Grade;
use pingshen::tui::popups::Popup;
use pingshen::tui::{Screen, StatusKind};
use tui_support::*;

const JOB_TIMEOUT: Duration = Duration::from_secs(180);

fn pdf_text(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg("-nodiag")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt-get install -y poppler-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn report_key_builds_the_pdf_on_a_worker_and_says_where_it_is() {
    let (mut h, _) = Harness::walkthrough();
    h.keys(&["a", "Tab", "b", "Tab", "d"]);
    // Items are pending: the report would be a draft, and p asks first.
    assert!(h.press("p").is_empty());
    assert!(!h.app.is_running(JobKind::Report));
    match h.app.popups.last() {
        Some(Popup::Confirm(c)) => {
            let body = c.body.join("");
            assert!(body.contains("还有 118 条待评"), "{body}");
            assert!(body.contains("草稿 — 118 条待评"), "{body}");
        }
        _ => panic!("a question first"),
    }
    let effects = h.press("y");
    assert!(h.app.is_running(JobKind::Report));
    assert_eq!(h.app.jobs_running(), 1);
    assert!(h.status().contains("正在生成评审报告"), "{}", h.status());
    // The UI goes on while it builds: grading still works, a second p waits.
    h.keys(&["Tab", "c"]);
    assert!(h.status().starts_with("已保存"), "{}", h.status());
    assert!(h.press("p").is_empty(), "no second report while one builds");
    assert!(h.status().contains("正在生成"), "{}", h.status());

    run_job(&mut h, effects, JOB_TIMEOUT);
    assert!(!h.app.is_running(JobKind::Report));
    assert_eq!(h.app.jobs_running(), 0);
    let status = h.app.status.clone().expect("a status");
    assert_eq!(status.kind, StatusKind::Saved, "{}", status.text);
    let file = "青山镇卫生院-评审报告-2026-11-23.pdf";
    assert!(
        status
            .text
            .starts_with(&format!("已生成评审报告（草稿） {file}")),
        "{}",
        status.text
    );
    let pdf = h.dir.path().join("reports").join(file);
    assert!(pdf.is_file(), "{} written", pdf.display());
    // The whole path in a window, with the place in words.
    match h.app.popups.last() {
        Some(Popup::Message(m)) => {
            assert!(m.text().contains("在输出文件夹"), "{}", m.text());
            assert!(
                m.text().contains("这是草稿：尚有 118 条待评"),
                "{}",
                m.text()
            );
            assert!(
                m.text().contains(&pdf.display().to_string()),
                "{}",
                m.text()
            );
        }
        _ => panic!("a window with the path"),
    }
    let text = pdf_text(&pdf);
    assert!(text.contains("青山镇卫生院"), "{text}");
    assert!(text.contains("暂定（尚有118条待评）"), "{text}");
}

#[test]
fn no_means_no_report_and_a_completed_inspection_is_not_asked_about() {
    let (mut h, id) = Harness::walkthrough();
    h.press("a");
    h.press("p");
    assert!(matches!(h.app.popups.last(), Some(Popup::Confirm(_))));
    assert!(h.press("n").is_empty());
    assert!(h.app.popups.is_empty());
    assert!(!h.app.is_running(JobKind::Report));
    let written = std::fs::read_dir(h.dir.path().join("reports")).map_or(0, |d| d.count());
    assert_eq!(written, 0, "nothing written");
    // Every item graded but not 已完成: a draft still, but nothing to ask about.
    let items: Vec<String> = h
        .app
        .walk
        .as_ref()
        .unwrap()
        .checklist
        .items()
        .map(|(_, _, i)| i.id.clone())
        .collect();
    let grade = [pingshen::store::Edit::Grade(Some(
        pingshen::scoring::Grade::C,
    ))];
    let edits: Vec<(&str, &[pingshen::store::Edit])> =
        items.iter().map(|i| (i.as_str(), &grade[..])).collect();
    h.store().update_many(&id, &edits, "张敏").unwrap();
    h.store().complete(&id, "张敏").unwrap();
    h.press("q");
    h.press("Enter");
    let effects = h.press("p");
    assert!(
        h.app.is_running(JobKind::Report),
        "no question: {}",
        h.status()
    );
    run_job(&mut h, effects, JOB_TIMEOUT);
    let status = h.app.status.clone().expect("a status");
    assert!(
        status.text.starts_with("已生成评审报告 青山镇卫生院"),
        "final, not a draft: {}",
        status.text
    );
}

#[test]
fn report_from_the_summary_falls_back_to_the_data_dir_and_says_so() {
    let (mut h, _) = Harness::walkthrough();
    h.press("a");
    // A report dir that cannot be made: a file stands where it would be.
    let blocked = h.dir.path().join("不是目录");
    std::fs::write(&blocked, "").unwrap();
    h.app.options.output_dir = Some(blocked.join("报告"));
    h.press("s");
    assert_eq!(h.app.screen(), Screen::Summary);
    h.press("p");
    let effects = h.press("y");
    run_job(&mut h, effects, JOB_TIMEOUT);
    let status = h.app.status.clone().expect("a status");
    assert_eq!(status.kind, StatusKind::Warning, "{}", status.text);
    let pdf = h
        .dir
        .path()
        .join("data/reports/青山镇卫生院-评审报告-2026-11-23.pdf");
    assert!(pdf.is_file());
    // The whole story in a window, since the status line is one line.
    match h.app.popups.last() {
        Some(Popup::Message(m)) => {
            assert!(
                m.text().contains("在数据目录的 reports 文件夹"),
                "{}",
                m.text()
            );
            assert!(m.text().contains("无法写入"), "{}", m.text());
        }
        _ => panic!("a message window"),
    }
}

#[test]
fn report_with_nothing_graded_is_a_message_not_a_job() {
    let (mut h, _) = Harness::walkthrough();
    assert!(h.press("p").is_empty());
    assert!(h.status().contains("还没有任何条款评分"), "{}", h.status());
    assert!(!h.app.is_running(JobKind::Report));
}

#[test]
fn merge_through_the_prompt_then_one_key_settles_the_conflict() {
    let (mut h, id, file) = lead_and_laptop();
    h.press("m");
    assert!(matches!(h.app.popups.last(), Some(Popup::Prompt(_))));
    // A path with a space, quoted as a file manager drops it.
    h.type_text(&format!("'{}'", file.display()));
    let effects = h.press("Enter");
    assert!(h.status().contains("正在读取并合并"), "{}", h.status());
    assert!(
        h.app.is_running(JobKind::Merge),
        "the files are read on a worker"
    );
    run_job(&mut h, effects, JOB_TIMEOUT);
    assert!(
        h.status().starts_with("已保存合并：新增 1 条"),
        "{}",
        h.status()
    );
    assert!(h.status().contains("冲突 1 条"), "{}", h.status());
    match h.app.popups.last() {
        Some(Popup::Message(m)) => {
            assert_eq!(m.title, "合并完成：有冲突待裁定");
            assert!(m.text().contains("1.2.4"), "{}", m.text());
        }
        _ => panic!("the merge result in a window"),
    }
    assert_eq!(conflicted(&h, &id), 1);
    assert_eq!(stored_grade(&h, &id, "1.1.1"), Some(Grade::A));

    h.press("q"); // closes the window
    h.press("Enter");
    assert_eq!(h.app.screen(), Screen::Walkthrough);
    goto(&mut h, "1.2.4");
    let screen = h.screen(120, 40);
    assert!(screen.contains("冲突 1 条待裁定"), "{screen}");
    assert!(screen.contains("发热诊室（门诊、哨点）设置与运行") && screen.contains(" 冲突"));

    h.press("C");
    assert_eq!(h.app.screen(), Screen::Conflicts);
    let versions = h.store().item_versions(&id, "1.2.4").unwrap();
    assert_eq!(versions.len(), 2);
    let c = versions
        .iter()
        .position(|v| v.assessment.grade == Some(Grade::C))
        .expect("李强's version");
    // A version that is not there is a message.
    h.press("3");
    assert!(h.status().contains("只有 2 个版本"), "{}", h.status());
    assert_eq!(conflicted(&h, &id), 1);

    h.press(&(c + 1).to_string());
    assert!(
        h.status()
            .starts_with(&format!("已保存：1.2.4 取版本 {}（C，李强）", c + 1)),
        "{}",
        h.status()
    );
    assert!(h.status().contains("冲突已全部裁定"));
    assert_eq!(h.app.screen(), Screen::Walkthrough);
    assert_eq!(h.selected_item().as_deref(), Some("1.2.4"));
    assert!(h.store().conflicts(&id).unwrap().is_empty());
    assert!(h.app.walk.as_ref().unwrap().conflicts.is_empty());
    assert_eq!(stored_grade(&h, &id, "1.2.4"), Some(Grade::C));
    let history = h.store().history(&id, Some("1.2.4")).unwrap();
    assert!(
        history
            .iter()
            .any(|e| e.by == "张敏" && e.field == "档次" && e.new == "B")
    );
    assert!(
        history
            .iter()
            .any(|e| e.by == "李强" && e.field == "档次" && e.new == "C")
    );
    let settled = history
        .iter()
        .find(|e| e.field == "冲突裁定（档次）")
        .unwrap();
    assert!(
        settled.old.contains("B（张敏") && settled.new.contains("C（李强"),
        "{settled:?}"
    );
}

#[test]
fn conflicts_filter_and_nothing_to_settle() {
    let (mut h, _, file) = lead_and_laptop();
    h.press("Enter");
    h.press("C");
    assert_eq!(h.app.screen(), Screen::Walkthrough);
    assert!(h.status().contains("没有待裁定的冲突"), "{}", h.status());
    h.press("q");

    h.press("m");
    h.paste(&format!("\"{}\"", file.display()));
    h.press_and_wait("Enter");
    h.press("q");
    h.press("Enter");
    h.press("f");
    match h.app.popups.last() {
        Some(Popup::FilterMenu(m)) => {
            let i = m
                .choices
                .iter()
                .position(|(_, label)| label.starts_with("冲突条款"))
                .expect("a 冲突 choice");
            for _ in 0..i - m.selected {
                h.press("Down");
            }
        }
        _ => panic!("the filter menu"),
    }
    h.press("Enter");
    let w = h.app.walk.as_ref().unwrap();
    assert_eq!(w.filter_label(), "冲突");
    let items: Vec<_> = w
        .rows
        .iter()
        .filter(|r| matches!(r, pingshen::tui::screens::Row::Item(..)))
        .collect();
    assert_eq!(items.len(), 1);
}

#[test]
fn a_bad_merge_path_is_a_message_and_changes_nothing() {
    let (mut h, id, _) = lead_and_laptop();
    h.press("m");
    h.type_text("/没有/这个文件.json");
    let effects = h.press("Enter");
    run_job(&mut h, effects, JOB_TIMEOUT);
    assert!(h.status().starts_with("未合并"), "{}", h.status());
    match h.app.popups.last() {
        Some(Popup::Message(m)) => assert_eq!(m.title, "未合并"),
        _ => panic!("a message window"),
    }
    assert!(h.store().conflicts(&id).unwrap().is_empty());
    // Empty input merges nothing.
    h.press("q");
    h.press("m");
    h.press("Enter");
    assert!(h.status().contains("没有输入文件"), "{}", h.status());
}

#[test]
fn compare_view_lists_the_improved_item_and_enter_jumps_to_it() {
    let (mut h, _, new) = two_reviews();
    // Newest first: this year's review is selected.
    h.press("Enter");
    assert_eq!(h.app.walk.as_ref().unwrap().inspection.id, new);
    h.press("v");
    assert_eq!(h.app.screen(), Screen::Compare);
    let c = h.app.compare().unwrap();
    let listed: Vec<(String, &str)> = c
        .rows
        .iter()
        .map(|&i| {
            let it = &c.comparison.items[i];
            (it.id.clone(), it.change.label())
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("1.1.1".to_string(), "提升"),
            ("1.1.2".to_string(), "下降"),
            ("1.5.4".to_string(), "不可比"),
        ]
    );
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("提升   1.1.1 功能定位与服务职责"),
        "{screen}"
    );
    h.press("Down");
    h.press("Enter");
    assert_eq!(h.app.screen(), Screen::Walkthrough);
    assert_eq!(h.selected_item().as_deref(), Some("1.1.2"));
    // Back from the compare view goes where it was opened.
    h.press("s");
    h.press("v");
    h.press("q");
    assert_eq!(h.app.screen(), Screen::Summary);
}

#[test]
fn compare_from_the_list_by_picking_two() {
    let (dir, store) = store();
    let old = create(
        &store,
        "township-2022",
        new_inspection("青山镇卫生院", "双清区", "乡镇卫生院", "2025-11-20"),
    );
    let new = create(
        &store,
        "township-2022",
        new_inspection("青山镇卫生院", "双清区", "乡镇卫生院", TODAY),
    );
    grade(&store, &old, "1.1.1", Grade::D, "");
    grade(&store, &new, "1.1.1", Grade::B, "");
    let mut h = Harness::new(dir, store);
    // Pick this year's first, then last year's: the dates decide which is which.
    h.press("c");
    assert_eq!(h.app.compare_mark.as_deref(), Some(new.as_str()));
    assert!(h.screen(80, 24).contains("已选对比"));
    h.press("Down");
    h.press("c");
    assert_eq!(h.app.screen(), Screen::Compare);
    let c = h.app.compare().unwrap();
    assert_eq!(
        (c.old.id.as_str(), c.new.id.as_str()),
        (old.as_str(), new.as_str())
    );
    assert_eq!(c.selected_item().unwrap().change.label(), "提升");
    h.press("Enter");
    assert_eq!(h.app.walk.as_ref().unwrap().inspection.id, new);
    assert_eq!(h.selected_item().as_deref(), Some("1.1.1"));
    h.press("q");
    assert_eq!(h.app.screen(), Screen::List);
    assert!(h.app.compare_mark.is_none());
}

#[test]
fn compare_without_a_previous_review_says_how() {
    let (mut h, _) = Harness::walkthrough();
    h.press("v");
    assert_eq!(h.app.screen(), Screen::Walkthrough);
    assert!(h.status().contains("没有关联上次评审"), "{}", h.status());
}

/// Jobs have kinds: one merge runs at a time, and a merge asked for meanwhile waits
/// and starts when the first reports (the latest request wins).
#[test]
fn a_second_merge_waits_for_the_first_and_then_runs() {
    let (mut h, id, file) = lead_and_laptop();
    h.press("m");
    h.paste(&format!("'{}'", file.display()));
    let first = h.press("Enter");
    assert_eq!(h.app.jobs_running(), 1);
    h.press("m");
    h.paste(&format!("'{}'", file.display()));
    assert!(h.press("Enter").is_empty(), "the second merge waits");
    assert!(h.status().contains("完成后接着处理"), "{}", h.status());
    assert_eq!(h.app.jobs_running(), 1, "one merge in flight");

    let job = jobs_in(first).into_iter().next().unwrap();
    let next = finish(&mut h, job, JOB_TIMEOUT);
    assert!(
        matches!(next.as_slice(), [pingshen::tui::Effect::Spawn(j)] if j.kind == JobKind::Merge),
        "the waiting merge starts: {next:?}"
    );
    assert_eq!(h.app.jobs_running(), 1);
    assert_eq!(conflicted(&h, &id), 1);
}

/// How many items of `id` are in conflict (a conflict is on one field of an item).
fn conflicted(h: &Harness, id: &str) -> usize {
    let mut items: Vec<String> = h
        .store()
        .conflicts(id)
        .unwrap()
        .into_iter()
        .map(|c| c.item_id)
        .collect();
    items.dedup();
    items.len()
}

/// Two inspectors and no PINGSHEN_INSPECTOR: opening the inspection asks who is at
/// the keyboard; the answer is shown in the header, every change is credited to it,
/// and it is remembered for the next start — nothing goes to "the first inspector".
#[test]
fn the_tui_asks_once_who_is_acting_and_credits_every_change_to_them() {
    let (dir, store) = store();
    let id = qingshan(&store, TODAY);
    let mut h = Harness::new(dir, store);
    h.app.options.inspector = None;
    h.press("Enter");
    assert!(
        matches!(h.app.popups.last(), Some(Popup::Prompt(_))),
        "asked at once"
    );
    let screen = h.screen(120, 40);
    assert!(screen.contains("你是哪位评审专家"), "{screen}");
    assert!(
        screen.contains("1 张敏") && screen.contains("2 李强"),
        "{screen}"
    );
    // Someone who is not an inspector of this review is not accepted.
    h.type_text("王五");
    h.press("Enter");
    assert!(h.status().contains("不是评审专家之一"), "{}", h.status());
    assert!(matches!(h.app.popups.last(), Some(Popup::Prompt(_))));
    h.type_text("2");
    h.press("Enter");
    assert!(h.status().contains("李强"), "{}", h.status());
    assert!(h.screen(120, 40).contains("操作人 李强"));
    h.press("a");
    let a = h.store().assessments(&id).unwrap();
    let graded: Vec<_> = a.values().collect();
    assert_eq!(graded.len(), 1);
    assert_eq!(graded[0].by, "李强");
    assert!(
        h.store()
            .history(&id, None)
            .unwrap()
            .iter()
            .skip(1)
            .all(|e| e.by == "李强")
    );
    // Remembered: a new start on the same config asks nothing.
    let kept = std::fs::read_to_string(h.dir.path().join("config/acting.toml")).unwrap();
    assert!(kept.contains(&id) && kept.contains("李强"), "{kept}");
    let acting = pingshen::tui::screens::load_acting(Some(&h.dir.path().join("config")));
    assert_eq!(acting.get(&id).map(String::as_str), Some("李强"));
}

/// A laptop whose key was never seen: the merge stops, shows the key's fingerprint
/// and asks; accepted, the key is remembered and the files merge.
#[test]
fn a_merge_from_an_unknown_laptop_asks_to_trust_its_key_first() {
    let (mut h, id, file) = lead_and_laptop();
    std::fs::remove_file(h.dir.path().join("config/trusted-keys.toml")).unwrap();
    h.press("m");
    h.paste(&format!("'{}'", file.display()));
    let effects = h.press("Enter");
    run_job(&mut h, effects, JOB_TIMEOUT);
    assert_eq!(conflicted(&h, &id), 0, "nothing merged yet");
    let screen = h.screen(120, 40);
    assert!(screen.contains("第一次见到的签名密钥"), "{screen}");
    assert!(
        screen.contains("李强") && screen.contains("指纹"),
        "{screen}"
    );
    let effects = h.press("y");
    run_job(&mut h, effects, JOB_TIMEOUT);
    assert!(h.status().starts_with("已保存合并"), "{}", h.status());
    assert_eq!(conflicted(&h, &id), 1);
    let trusted = std::fs::read_to_string(h.dir.path().join("config/trusted-keys.toml")).unwrap();
    assert!(trusted.contains("李强"), "{trusted}");
}

#[test]
fn the_opinion_is_written_in_the_summary_and_printed_above_the_signatures() {
    let (mut h, id) = Harness::walkthrough();
    h.press("a");
    h.press("s");
    assert_eq!(h.app.screen(), Screen::Summary);
    let screen = h.screen(120, 40);
    assert!(screen.contains("综合评价"), "{screen}");
    assert!(screen.contains("未填写；按 e 填写"), "{screen}");
    // The verdict on screen says it is provisional, as the report will.
    assert!(screen.contains("暂定（尚有 120 条待评）"), "{screen}");
    h.press("e");
    assert!(matches!(h.app.popups.last(), Some(Popup::NoteEditor(_))));
    h.type_text("总体较好。");
    h.press("Enter");
    h.type_text("建议加强院感管理。");
    h.press("ctrl-s");
    assert!(h.app.popups.is_empty(), "{}", h.status());
    assert_eq!(h.status(), "已保存：综合评价");
    let stored = h.store().get(&id).unwrap().opinion;
    assert_eq!(stored, "总体较好。\n建议加强院感管理。");
    let screen = h.screen(120, 40);
    assert!(screen.contains("建议加强院感管理。"), "{screen}");
    // In the history, under the acting inspector.
    let history = h.store().history(&id, None).unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last.field.as_str(), last.by.as_str()),
        ("综合评价", "张敏")
    );
    // Once 已完成 it is not opened: reopen first.
    h.store().complete(&id, "张敏").unwrap();
    h.press("q");
    h.press("q");
    h.press("Enter");
    h.press("s");
    h.press("e");
    assert!(h.app.popups.is_empty());
    assert!(h.status().contains("重新打开"), "{}", h.status());
}
