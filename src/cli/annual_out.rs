//! `pingshen annual --year Y [--region R] [--format csv]`: the statistics of the
//! district's year ([`pingshen::district::annual`]), as tables in the terminal or as
//! CSV (one table after another, each under its title).

use std::process::ExitCode;

use pingshen::district::annual::{Annual, AnnualInput, with_agreement};
use pingshen::district::{Known, Status};
use pingshen::scoring::percent;

use super::{Paths, table};

pub fn run(paths: &Paths, year: i32, region: Option<&str>, csv: bool) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let register = store.facilities()?;
    let overviews = store.overviews()?;
    let checklists = store.pinned_checklists(&overviews)?;
    let results = store.results()?;
    let catalog = paths.catalog();
    let known = Known::from_checklists(
        catalog
            .available
            .iter()
            .map(|a| &a.checklist)
            .chain(checklists.values().map(|c| c.as_ref())),
    );
    let Ok(targets) = super::annual::user_targets(paths, &known) else {
        return Ok(ExitCode::from(2));
    };
    let annual = with_agreement(
        &store,
        &AnnualInput {
            year,
            region,
            register: &register,
            overviews: &overviews,
            checklists: &checklists,
            results: &results,
            targets: &targets,
        },
    );
    if csv {
        super::csv_out::emit(&csv_text(&annual)?, None)?;
    } else {
        out!("{}", text(&annual));
    }
    if register.is_empty() {
        errln!(
            "机构名录是空的：年度统计按机构计算。请先运行 pingshen facility migrate 把已有的检查归入机构。"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Each table: a title, a header and rows.
fn tables(a: &Annual) -> Vec<(String, Vec<String>, Vec<Vec<String>>)> {
    let mut out = Vec::new();
    let mut header = vec![
        "机构类型".to_string(),
        "登记机构数".into(),
        "已评审".into(),
        "未评审".into(),
    ];
    header.extend(a.verdicts.iter().cloned());
    let rows = a
        .kinds
        .iter()
        .map(|k| {
            let mut r = vec![
                k.kind.clone(),
                k.registered.to_string(),
                k.reviewed.to_string(),
                (k.registered - k.reviewed).to_string(),
            ];
            r.extend(k.by_verdict.iter().map(|n| {
                if k.registered == 0 {
                    n.to_string()
                } else {
                    format!("{n}（{}）", percent(*n as f64 / k.registered as f64))
                }
            }));
            r
        })
        .collect();
    out.push(("一、机构评审情况（按机构类型）".to_string(), header, rows));

    let rows = a
        .targets
        .iter()
        .map(|(t, o)| {
            vec![
                t.name.clone(),
                t.said(),
                format!("{}/{}", o.counted, o.covered),
                t.measured_said(o).unwrap_or_default(),
                match o.status {
                    Status::Met => "已达到".to_string(),
                    Status::Short(n) => format!("未达到，还差 {n} 家"),
                    Status::NoFacilities => "没有应统计的机构".to_string(),
                },
            ]
        })
        .collect();
    out.push((
        "二、年度目标".to_string(),
        ["目标", "要求", "达到/应统计", "实测", "结果"]
            .map(String::from)
            .to_vec(),
        rows,
    ));

    let rows = a
        .look_back
        .rows
        .iter()
        .map(|r| {
            vec![
                r.facility.name.clone(),
                r.facility.region.clone(),
                format!("{}（{}）", r.passed, r.passed_on),
                match &r.re_reviewed {
                    Some((d, v)) => format!("已回头看 {d}：{v}"),
                    None => "未回头看".to_string(),
                },
            ]
        })
        .collect();
    out.push((
        format!(
            "三、回头看登记（{}年以前达标的机构）",
            a.look_back.passed_before
        ),
        ["机构名称", "所在区县", "原评审结论", "回头看"]
            .map(String::from)
            .to_vec(),
        rows,
    ));

    let rows = a
        .failing
        .iter()
        .enumerate()
        .map(|(i, f)| {
            vec![
                (i + 1).to_string(),
                format!("{}{}", f.item, if f.core { "★" } else { "" }),
                f.title.clone(),
                f.chapter.clone(),
                format!("{}/{}", f.facilities, f.of),
                percent(f.facilities as f64 / f.of.max(1) as f64),
            ]
        })
        .collect();
    out.push((
        "四、不达标条款排名".to_string(),
        ["名次", "条款", "名称", "所属章", "不达标机构", "占比"]
            .map(String::from)
            .to_vec(),
        rows,
    ));

    let rows = a
        .chapters
        .iter()
        .map(|c| {
            vec![
                c.checklist.clone(),
                format!("{} {}", c.chapter, c.title),
                c.facilities.to_string(),
                format!("{}/{}", c.passed, c.applicable),
                c.rate().map(percent).unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    out.push((
        "五、分章达标率".to_string(),
        ["清单", "章", "机构数", "达标条款/适用条款", "达标率"]
            .map(String::from)
            .to_vec(),
        rows,
    ));

    for g in &a.agreements {
        let title = format!(
            "六、{}与{}的一致性：{} 家机构，比对 {} 条，评分相同 {} 条（{}）",
            g.first_kind.label(),
            g.second_kind.label(),
            g.pairs.len(),
            g.compared(),
            g.same(),
            percent(g.same() as f64 / g.compared().max(1) as f64)
        );
        let mut rows: Vec<Vec<String>> = g
            .pairs
            .iter()
            .map(|p| {
                vec![
                    p.pair.facility.name.clone(),
                    format!("{}/{}", p.same, p.compared),
                    percent(p.same as f64 / p.compared.max(1) as f64),
                    p.higher.to_string(),
                ]
            })
            .collect();
        if !g.items.is_empty() {
            rows.push(vec![
                format!(
                    "{}评分高于{}最多的条款",
                    g.first_kind.label(),
                    g.second_kind.label()
                ),
                g.items
                    .iter()
                    .take(10)
                    .map(|(item, n)| format!("{item}（{n} 家）"))
                    .collect::<Vec<_>>()
                    .join("、"),
            ]);
        }
        out.push((
            title,
            [
                "机构名称",
                "评分相同/比对条款",
                "一致率",
                format!("{}评分更高的条款", g.first_kind.label()).as_str(),
            ]
            .map(String::from)
            .to_vec(),
            rows,
        ));
    }

    let rows = a
        .recommended
        .iter()
        .enumerate()
        .map(|(i, s)| {
            vec![
                (i + 1).to_string(),
                s.facility.name.clone(),
                s.facility.region.clone(),
                s.facility.kind_text(),
                s.review_kind.label().to_string(),
                s.date.to_string(),
            ]
        })
        .collect();
    out.push((
        "附件1：达到推荐标准的机构名单".to_string(),
        [
            "序号",
            "机构名称",
            "所在区县",
            "机构类型",
            "评审类型",
            "评审日期",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    ));
    out
}

fn text(a: &Annual) -> String {
    let mut s = format!(
        "{}{}年度“优质服务基层行”活动统计\n\n",
        a.region.as_deref().unwrap_or(""),
        a.year
    );
    for (title, header, rows) in tables(a) {
        s.push_str(&title);
        s.push('\n');
        if rows.is_empty() {
            s.push_str("  （无）\n\n");
            continue;
        }
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|r| r.into_iter().map(|c| table::clip(&c, 40)).collect())
            .collect();
        let h: Vec<&str> = header.iter().map(String::as_str).collect();
        s.push_str(&table::render(&h, &rows));
        s.push('\n');
    }
    if a.in_progress > 0 {
        s.push_str(&format!(
            "另有 {} 次本年度的评审尚未标记为已完成，未计入。\n",
            a.in_progress
        ));
    }
    if a.unlinked > 0 {
        s.push_str(&format!(
            "另有 {} 次本年度的检查尚未归入机构名录，未计入：运行 pingshen facility migrate。\n",
            a.unlinked
        ));
    }
    s
}

/// Every table one after another in one CSV (BOM once, for Excel): its title on a
/// line of its own, the header, the rows, an empty line.
fn csv_text(a: &Annual) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let cell = |c: &String| pingshen::text::csv_cell(c).into_owned();
    for (title, header, rows) in tables(a) {
        w.write_record([cell(&title)])?;
        w.write_record(header.iter().map(cell))?;
        for r in &rows {
            w.write_record(r.iter().map(cell))?;
        }
        w.write_record([""])?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("CSV 生成失败（{e}）"))
}
