//! The review report PDF read back with poppler: its text, its fonts; and the
//! `pingshen report` command on good and bad input.

use crate::report_support;

use std::path::Path;

use assert_cmd::Command;
use pingshen::report::{ReportOptions, build_pdf, write_pdf};
use pingshen::store::Edit;
use predicates::prelude::*;
use report_support::*;

fn options() -> ReportOptions {
    ReportOptions {
        generated_at: Some(GENERATED_AT.into()),
        ..ReportOptions::default()
    }
}

/// pdftotext's text with all white space removed, so words broken across lines or
/// spaced by the layout still match.
fn text_of(pdf: &Path) -> String {
    poppler("pdftotext", &["-nodiag", pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn pingshen(data: &Path) -> Command {
    let mut cmd = Command::cargo_bin("pingshen").unwrap();
    cmd.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env_remove("PINGSHEN_CHECKLIST_DIR");
    cmd
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_text_has_the_institution_the_verdict_and_every_failing_item() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("data"));
    let township = shipped("township-2022");
    let insp = create(&store, &township);
    let failing = grade_all(&store, &insp, &township.0, 3, 120);
    assert!(!failing.is_empty());
    let report = build_pdf(&store, &insp.id[..6], &options()).unwrap();
    assert!(report.missing.is_empty(), "{:?}", report.missing);
    let out = dir.path().join("报告.pdf");
    write_pdf(&out, &report.pdf).unwrap();

    let text = text_of(&out);
    assert!(text.contains(INSTITUTION));
    assert!(text.contains("服务能力现场评审报告"));
    let eval = pingshen::scoring::evaluate(&township.0, |id| {
        store
            .assessment(&insp.id, id)
            .unwrap()
            .and_then(|a| a.grade)
    });
    assert!(
        text.contains(&format!("评审结论：{}", eval.verdict)),
        "{text}"
    );
    // The 不达标 section itself: from its heading to the next one, it counts the
    // failing items, lists each with its 整改意见, and lists no other item.
    let flat: String = text.split_whitespace().collect();
    let start = flat
        .find("不达标条款及整改意见")
        .expect("the 不达标 section");
    let end = start + flat[start..].find("条款明细").expect("the next section");
    let section = &flat[start..end];
    assert!(
        section.contains(&format!("共{}条条款评为不达标", failing.len())),
        "{section}"
    );
    for id in &failing {
        assert!(
            section.contains(id.as_str()),
            "failing item {id} not in the section"
        );
    }
    assert!(
        section.contains("限期整改，一个月内报送整改报告。"),
        "{section}"
    );
    // Every item id the section prints is a failing one.
    let ids: std::collections::BTreeSet<&str> = township
        .0
        .items()
        .map(|(_, _, it)| it.id.as_str())
        .filter(|id| {
            section.match_indices(id).any(|(at, _)| {
                // Cells run together in the text, so only what follows the id tells
                // 1.1.1 from 1.1.10.
                let id_char = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '.');
                !section[..at].ends_with('.') && !id_char(section[at + id.len()..].chars().next())
            })
        })
        .collect();
    let expected: std::collections::BTreeSet<&str> = failing.iter().map(String::as_str).collect();
    assert_eq!(ids, expected, "the section lists exactly the 不达标 items");
    for section in [
        "基本信息",
        "评审结论",
        "分章统计",
        "不达标条款及整改意见",
        "整改清单",
        "条款明细",
        "佐证材料索引",
        "综合评价",
        "评审签字",
    ] {
        assert!(text.contains(section), "section {section} missing");
    }
    assert!(text.contains(&format!("第1页共{}页", report.pages)));
    assert!(text.contains(GENERATED_AT.replace(' ', "").as_str()));
    assert!(text.contains("王堃") && text.contains("李珺玥") && text.contains("赵昇"));
    // Where the checklist's text comes from, and what each verdict means.
    let start = |s: &str, n: usize| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .take(n)
            .collect::<String>()
    };
    assert!(text.contains("清单来源"));
    assert!(text.contains(&start(&township.0.source, 20)), "source");
    let description = township.0.verdicts[1].description.as_deref().unwrap();
    assert!(text.contains(&start(description, 10)), "description");
}

#[test]
fn every_font_is_an_embedded_subset() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("data"));
    let community = shipped("community-2022");
    let insp = create(&store, &community);
    grade_all(&store, &insp, &community.0, 4, 60);
    let report = build_pdf(&store, &insp.id, &options()).unwrap();
    let out = dir.path().join("r.pdf");
    write_pdf(&out, &report.pdf).unwrap();

    let listing = poppler("pdffonts", &[out.to_str().unwrap()]);
    let fonts: Vec<&str> = listing
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(fonts.len() >= 2, "regular and bold expected:\n{listing}");
    for line in fonts {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // name type… encoding emb sub uni object-id generation
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{line}");
        assert!(cols[0].chars().nth(6) == Some('+'), "subset tag: {line}");
    }
    // Only the glyphs used are embedded: far below the 5 MB bundled font.
    assert!(report.pdf.len() < 1_000_000, "{} bytes", report.pdf.len());
}

#[test]
fn a_10000_character_note_is_printed_whole_across_pages() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let township = shipped("township-2022");
    let id = {
        let store = open(&data);
        let insp = create(&store, &township);
        store
            .update(
                &insp.id,
                "1.1.1",
                &[
                    Edit::Grade(Some(pingshen::scoring::Grade::D)),
                    Edit::Note(long_note(10_000) + "【备注结束】"),
                ],
                "王堃",
            )
            .unwrap();
        insp.id
    };
    let out = dir.path().join("long.pdf");
    pingshen(&data)
        .args(["report", &id, "-o", out.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("已生成评审报告"));
    let text = text_of(&out);
    // Printed twice (不达标 section and item table), to the very end.
    assert_eq!(text.matches("【备注结束】").count(), 2);
}

#[test]
fn an_unknown_inspection_is_named_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    drop(open(&data));
    let out = dir.path().join("r.pdf");
    pingshen(&data)
        .args(["report", "ffffffff", "-o", out.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("找不到编号为 `ffffffff` 的检查")
                .and(predicate::str::contains("pingshen list")),
        );
    assert!(!out.exists());
}

#[test]
fn an_inspection_with_nothing_graded_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let id = create(&open(&data), &shipped("township-2022")).id;
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("r.pdf");
    pingshen(&data)
        .args(["report", &id, "-o", out.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("还没有任何条款评分")
                .and(predicate::str::contains("pingshen grade")),
        );
    assert!(files_in(&out_dir).is_empty());
}

#[test]
fn an_unwritable_output_path_fails_cleanly_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let township = shipped("township-2022");
    let id = {
        let store = open(&data);
        let insp = create(&store, &township);
        grade_all(&store, &insp, &township.0, 0, 0);
        insp.id
    };
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    // The parent of the output is a regular file.
    let blocker = out_dir.join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let out = blocker.join("r.pdf");
    pingshen(&data)
        .args(["report", &id, "-o", out.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("无法写入").and(predicate::str::contains("换一个输出路径")),
        );
    // The output is a directory.
    pingshen(&data)
        .args(["report", &id, "-o", out_dir.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains("无法写入"));
    assert_eq!(files_in(&out_dir), ["not-a-dir"]);
}

#[test]
fn a_character_no_font_has_is_warned_about_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let township = shipped("township-2022");
    let id = {
        let store = open(&data);
        let insp = create(&store, &township);
        store
            .update(
                &insp.id,
                "1.1.1",
                &[
                    Edit::Grade(Some(pingshen::scoring::Grade::B)),
                    Edit::Note("私用区字符\u{E000}在此".into()),
                ],
                "王堃",
            )
            .unwrap();
        insp.id
    };
    let out = dir.path().join("r.pdf");
    pingshen(&data)
        .args([
            "report",
            &id,
            "-o",
            out.to_str().unwrap(),
            "--no-system-fonts",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("U+E000").and(predicate::str::contains("--font")));
    assert!(text_of(&out).contains("私用区字符□在此"));
}

/// The text between the heading ending with `from` and the next heading `to`.
fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("{from} in {text}"));
    let end = start
        + text[start..]
            .find(to)
            .unwrap_or_else(|| panic!("{to} after {from}"));
    &text[start..end]
}

/// pdftotext's text in the order drawn (`-raw`, diagonal text kept), white space
/// removed: the watermark, drawn last on each page, reads whole.
fn raw_text_of(pdf: &Path) -> String {
    poppler("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn an_action_on_a_c_item_is_in_the_action_list_and_in_the_item_table() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let township = shipped("township-2022");
    let (id, c_item) = {
        let store = open(&data);
        let insp = create(&store, &township);
        grade_all(&store, &insp, &township.0, 0, 0);
        // grade_all grades the third item C.
        let (_, _, item) = township.0.items().nth(2).unwrap();
        store
            .update(
                &insp.id,
                &item.id,
                &[Edit::CorrectiveAction("补充慢病随访记录【C档整改】".into())],
                "王堃",
            )
            .unwrap();
        assert_eq!(
            store.assessment(&insp.id, &item.id).unwrap().unwrap().grade,
            Some(pingshen::scoring::Grade::C)
        );
        (insp.id, item.id.clone())
    };
    let out = dir.path().join("r.pdf");
    pingshen(&data)
        .args(["report", &id, "-o", out.to_str().unwrap()])
        .assert()
        .success();
    let text = text_of(&out);
    let list = between(&text, "五、整改清单", "六、条款明细");
    assert!(list.contains("补充慢病随访记录【C档整改】"), "{list}");
    assert!(list.contains(c_item.as_str()), "{list}");
    // Every 整改意见 is listed: the failing items' too, counted.
    let failing = text.matches("限期整改，一个月内报送整改报告。").count();
    assert!(failing > 0);
    assert!(list.contains("条条款提出整改意见"), "{list}");
    let table = between(&text, "六、条款明细", "七、佐证材料索引");
    assert!(table.contains("整改意见"), "a column for it");
    assert!(table.contains("补充慢病随访记录【C档整改】"), "{table}");
    // Not in 不达标: the item is C.
    let failing_section = between(&text, "四、不达标条款及整改意见", "五、整改清单");
    assert!(!failing_section.contains("【C档整改】"));
}

#[test]
fn a_draft_has_a_watermark_on_every_page_and_a_completed_report_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let township = shipped("township-2022");
    let id = {
        let store = open(&data);
        let insp = create(&store, &township);
        store
            .update(
                &insp.id,
                "1.1.1",
                &[Edit::Grade(Some(pingshen::scoring::Grade::C))],
                "王堃",
            )
            .unwrap();
        insp.id
    };
    let pending = township.0.item_count() - 1;
    let report = |name: &str| {
        let out = dir.path().join(name);
        let a = pingshen(&data)
            .args(["report", &id, "-o", out.to_str().unwrap()])
            .assert()
            .success();
        let said = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
        let pages: usize = poppler("pdfinfo", &[out.to_str().unwrap()])
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap();
        (raw_text_of(&out), text_of(&out), pages, said)
    };

    // Pending items: the draft's watermark on every page, a provisional verdict.
    let (raw, text, pages, said) = report("draft.pdf");
    let mark = format!("草稿—{pending}条待评");
    assert_eq!(
        raw.matches(&mark).count(),
        pages,
        "on each of {pages} pages"
    );
    assert!(
        text.contains(&format!("暂定（尚有{pending}条待评）")),
        "{text}"
    );
    assert!(said.contains("已生成评审报告（草稿）"), "{said}");
    assert!(said.contains(&format!("尚有 {pending} 条待评")), "{said}");

    // All graded, not yet 已完成: still a draft.
    {
        let store = open(&data);
        let grade = [Edit::Grade(Some(pingshen::scoring::Grade::B))];
        let items: Vec<(String, &[Edit])> = township
            .0
            .items()
            .map(|(_, _, i)| (i.id.clone(), &grade[..]))
            .collect();
        let items: Vec<(&str, &[Edit])> = items.iter().map(|(i, e)| (i.as_str(), *e)).collect();
        store.update_many(&id, &items, "王堃").unwrap();
    }
    let (raw, text, pages, said) = report("graded.pdf");
    assert_eq!(raw.matches("草稿—未标记为已完成").count(), pages);
    assert!(text.contains("暂定（未标记为已完成）"), "{text}");
    assert!(said.contains("已生成评审报告（草稿）"), "{said}");

    // 已完成: final, no watermark, a verdict that is not provisional.
    pingshen(&data).args(["complete", &id]).assert().success();
    let (raw, text, _, said) = report("final.pdf");
    assert!(!raw.contains("草稿"), "no watermark");
    assert!(!text.contains("暂定"), "{text}");
    assert!(text.contains("正式报告（检查已标记为已完成）"), "{text}");
    assert!(!said.contains("草稿"), "{said}");
}

#[test]
fn the_document_information_has_the_title_the_inspectors_and_the_real_time() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("data"));
    let township = shipped("township-2022");
    let insp = create(&store, &township);
    grade_all(&store, &insp, &township.0, 0, 0);
    let today = || chrono::Local::now().format("%Y-%m-%d").to_string();
    let before = today();
    let report = build_pdf(&store, &insp.id, &options()).unwrap();
    let after = today();
    let out = dir.path().join("r.pdf");
    write_pdf(&out, &report.pdf).unwrap();
    let info = poppler("pdfinfo", &["-isodates", out.to_str().unwrap()]);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("{name} in {info}"))
    };
    assert_eq!(field("Title"), format!("{INSTITUTION}服务能力现场评审报告"));
    assert_eq!(field("Author"), "王堃、李珺玥");
    assert!(field("Subject").contains("区级评审"), "{info}");
    assert!(
        field("Subject").contains("乡镇卫生院服务能力评价清单"),
        "{info}"
    );
    assert!(field("Producer").starts_with("pingshen "), "{info}");
    for date in ["CreationDate", "ModDate"] {
        let d = field(date);
        assert!(
            d.starts_with(&before) || d.starts_with(&after),
            "{date} {d}"
        );
        // With its offset (poppler writes +08 or Z for UTC).
        assert!(d.len() > "2026-12-01T10:00:00".len(), "{date} {d}");
    }
    // The raw value carries the offset as PDF dates do: +HH'mm'.
    let raw = String::from_utf8_lossy(&report.pdf).into_owned();
    let at = raw.find("/CreationDate").unwrap();
    let value = &raw[at..at + 40];
    assert!(value.contains("(D:") && value.contains('\''), "{value}");
}

#[test]
fn bold_text_is_bold_in_every_character() {
    use pingshen::report::layout::Weight;
    let fonts = pingshen::report::FontSet::bundled().unwrap();
    // The bundled bold lacks 镕 and 喆: drawn from the regular face, faux bold.
    for c in ['镕', '喆', '堃'] {
        let g = fonts.resolve(c, Weight::Bold);
        assert!(g.faux_bold && g.ch == c, "{c}: {g:?}");
        assert!(!fonts.resolve(c, Weight::Regular).faux_bold);
    }
    let g = fonts.resolve('院', Weight::Bold);
    assert!(!g.faux_bold && g.face == 1, "{g:?}");

    // In the PDF: the cover's bold title strokes them (text render mode 2), and the
    // report says which characters were drawn so; no other font is embedded.
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("data"));
    let township = shipped("township-2022");
    let insp = create(&store, &township);
    grade_all(&store, &insp, &township.0, 0, 0);
    let report = build_pdf(&store, &insp.id, &options()).unwrap();
    assert_eq!(
        report.faux_bold,
        ['喆', '镕'],
        "the cover's bold 北京市怀柔区镕喆镇…"
    );
    let doc = lopdf::Document::load_mem(&report.pdf).unwrap();
    let first = *doc.get_pages().get(&1).unwrap();
    let content = String::from_utf8_lossy(&doc.get_page_content(first)).into_owned();
    assert!(content.contains("2 Tr"), "faux bold on the cover");
    assert!(content.contains("0 Tr"), "and back to plain fill after it");
    let out = dir.path().join("r.pdf");
    write_pdf(&out, &report.pdf).unwrap();
    let listing = poppler("pdffonts", &[out.to_str().unwrap()]);
    assert_eq!(
        listing
            .lines()
            .skip(2)
            .filter(|l| !l.trim().is_empty())
            .count(),
        2,
        "{listing}"
    );
    // The CLI says so.
    let data = dir.path().join("data");
    drop(store);
    pingshen(&data)
        .args([
            "report",
            &insp.id,
            "-o",
            out.to_str().unwrap(),
            "--no-system-fonts",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("仿粗体").and(predicate::str::contains("「镕」")));
}

#[test]
fn the_cover_names_the_district_and_organiser_and_the_last_page_is_for_signing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let township = shipped("township-2022");
    let id = {
        let store = open(&data);
        let insp = create(&store, &township);
        grade_all(&store, &insp, &township.0, 0, 0);
        store
            .edit(
                &insp.id,
                pingshen::store::InspectionEdit {
                    organiser: Some("北京市怀柔区卫生健康委员会".into()),
                    opinion: Some(
                        "该院基本医疗服务能力较强。\n建议加强院感管理【评价结束】".into(),
                    ),
                    ..Default::default()
                },
                "王堃",
            )
            .unwrap();
        insp.id
    };
    let out = dir.path().join("r.pdf");
    pingshen(&data)
        .args(["report", &id, "-o", out.to_str().unwrap()])
        .assert()
        .success();
    let cover: String = poppler(
        "pdftotext",
        &["-nodiag", "-f", "1", "-l", "1", out.to_str().unwrap(), "-"],
    )
    .chars()
    .filter(|c| !c.is_whitespace())
    .collect();
    for line in [
        INSTITUTION,
        "服务能力现场评审报告",
        "所在区县：北京市怀柔区",
        "评审类型：区级评审",
        "评审日期：2026年11月20日",
        "组织单位：北京市怀柔区卫生健康委员会",
        "评审依据：《乡镇卫生院服务能力评价清单",
        "评审组长：王堃",
        "评审专家：李珺玥",
    ] {
        assert!(cover.contains(line), "{line} not on the cover: {cover}");
    }
    let text = text_of(&out);
    let opinion = between(&text, "八、综合评价", "九、评审签字");
    assert!(
        opinion.contains("该院基本医疗服务能力较强。建议加强院感管理【评价结束】"),
        "{opinion}"
    );
    // The signature page: the lead, each expert, the head, the record, the stamp.
    let signing = &text[text.find("九、评审签字").unwrap()..];
    let order = [
        "记录摘要",
        "评审组长：王堃签字：日期：",
        "评审专家：李珺玥签字：日期：",
        "机构负责人：赵昇签字：日期：",
        "组织单位：北京市怀柔区卫生健康委员会",
        "盖章日期：",
    ];
    let mut at = 0;
    for part in order {
        let found = signing[at..]
            .find(part)
            .unwrap_or_else(|| panic!("{part} after {at}: {signing}"));
        at += found + part.len();
    }
    assert!(signing.contains("（盖章）"), "{signing}");
    // All of it on the last page.
    let pages: usize = poppler("pdfinfo", &[out.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    let last: String = poppler(
        "pdftotext",
        &[
            "-nodiag",
            "-f",
            &pages.to_string(),
            "-l",
            &pages.to_string(),
            out.to_str().unwrap(),
            "-",
        ],
    )
    .chars()
    .filter(|c| !c.is_whitespace())
    .collect();
    for part in ["评审签字", "评审组长：", "机构负责人：", "（盖章）"] {
        assert!(last.contains(part), "{part} on the last page: {last}");
    }
}
