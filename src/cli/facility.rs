//! `pingshen facility`: the facility register — list, add, edit, merge, put an
//! inspection under a facility, and migrate inspections made before facilities were
//! kept.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, Subcommand};
use pingshen::store::{Facility, FacilityDraft, Store};
use pingshen::text::order::pinyin_key;
use pingshen::text::search::Query;

use super::{Paths, table};

#[derive(Subcommand, Debug)]
pub enum Action {
    /// 列出已登记的机构（按拼音排序），含各机构的检查次数
    List {
        /// 只列出这个区县的机构
        #[arg(long)]
        region: Option<String>,
        /// 按名称查找：汉字或拼音首字母，如 qszwsy
        #[arg(long)]
        search: Option<String>,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 登记一家机构
    Add(Fields),
    /// 修改机构信息（修改记入机构名录，写明修改人）；可选字段写 - 清空
    Edit {
        /// 机构编号（可只写开头几位）或机构名称
        facility: String,
        #[command(flatten)]
        fields: Fields,
    },
    /// 把重复登记的机构并入另一家：它的检查从此计入后者
    Merge {
        /// 要并入的机构（编号或名称）
        from: String,
        /// 保留的机构（编号或名称）
        into: String,
    },
    /// 把一次检查归入某家机构
    Assign {
        /// 检查编号（可只写开头几位）
        id: String,
        /// 机构编号或名称
        facility: String,
    },
    /// 把尚未归入机构的检查按「机构名称 + 所在区县」归入机构名录；不加 --apply 只显示将做什么
    Migrate {
        /// 执行（否则只显示计划，不改动）
        #[arg(long)]
        apply: bool,
        /// 确认疑似重复的写法是同一家机构，一并归入
        #[arg(long)]
        merge_near: bool,
    },
}

#[derive(Args, Debug, Default)]
pub struct Fields {
    /// 机构名称
    #[arg(long)]
    pub name: Option<String>,
    /// 所在区县，如 北京市东城区
    #[arg(long)]
    pub region: Option<String>,
    /// 机构类型，如 社区卫生服务中心、乡镇卫生院
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    /// 卫生院级别：中心卫生院 或 一般卫生院
    #[arg(long)]
    pub subtype: Option<String>,
    /// 统一社会信用代码（18 位）或组织机构代码（9 位）
    #[arg(long)]
    pub code: Option<String>,
    /// 机构负责人
    #[arg(long)]
    pub head: Option<String>,
    /// 联系电话
    #[arg(long)]
    pub phone: Option<String>,
    /// 社区医院命名日期（执业许可证加注之日）；- 表示不是社区医院
    #[arg(long, value_name = "DATE")]
    pub community_hospital: Option<String>,
    /// 服务人口
    #[arg(long)]
    pub population: Option<String>,
    /// 卫生技术人员数
    #[arg(long)]
    pub staff: Option<String>,
}

impl Fields {
    fn draft(self) -> FacilityDraft {
        FacilityDraft {
            name: self.name,
            region: self.region,
            kind: self.kind,
            subtype: self.subtype,
            code: self.code,
            head: self.head,
            phone: self.phone,
            community_hospital: self.community_hospital,
            population: self.population,
            staff: self.staff,
        }
    }
}

pub fn run(paths: &Paths, action: Option<Action>) -> anyhow::Result<ExitCode> {
    let action = action.unwrap_or(Action::List {
        region: None,
        search: None,
        json: false,
    });
    let store = paths.open_store()?;
    match action {
        Action::List {
            region,
            search,
            json,
        } => list(&store, region.as_deref(), search.as_deref(), json),
        Action::Add(fields) => {
            let by = paths.actor_among(&store, &[])?;
            let f = store.add_facility(&fields.draft(), &by)?;
            errln!(
                "已登记机构「{}」（{}，{}）。",
                f.name,
                f.region,
                f.kind_text()
            );
            outln!("{}", f.id);
            Ok(ExitCode::SUCCESS)
        }
        Action::Edit { facility, fields } => {
            let draft = fields.draft();
            if draft.is_empty() {
                bail!("没有要修改的内容：请写出要改的字段，如 --head 张三 --phone 010-12345678。");
            }
            let by = paths.actor_among(&store, &[])?;
            let (f, changed) = store.edit_facility(&facility, &draft, &by)?;
            if changed.is_empty() {
                outln!("「{}」的信息与原来相同，没有改动。", f.name);
            }
            for (label, old, new) in changed {
                outln!("{label}：{} → {}", or_empty(&old), or_empty(&new));
            }
            Ok(ExitCode::SUCCESS)
        }
        Action::Merge { from, into } => {
            let by = paths.actor_among(&store, &[])?;
            let (from, into) = store.merge_facilities(&from, &into, &by)?;
            outln!(
                "已把「{}」（{}）并入「{}」（{}）：它的检查从此计入后者。",
                from.name,
                from.id,
                into.name,
                into.id
            );
            Ok(ExitCode::SUCCESS)
        }
        Action::Assign { id, facility } => {
            let inspection = store.get(&store.resolve(&id)?)?;
            let by = paths.actor(&store, &inspection)?;
            let f = store.assign_facility(&inspection.id, &facility, &by)?;
            outln!("检查 {} 已归入「{}」（{}）。", inspection.id, f.name, f.id);
            Ok(ExitCode::SUCCESS)
        }
        Action::Migrate { apply, merge_near } => migrate(paths, &store, apply, merge_near),
    }
}

fn or_empty(s: &str) -> &str {
    if s.is_empty() { "（空）" } else { s }
}

fn list(
    store: &Store,
    region: Option<&str>,
    search: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let register = store.facilities()?;
    let query = Query::parse(search.unwrap_or(""));
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut unlinked = 0;
    for o in store.overviews()? {
        match o
            .inspection
            .facility
            .as_deref()
            .and_then(|f| register.resolve(f))
        {
            Some(f) => *counts.entry(f.id.clone()).or_default() += 1,
            None if !o.inspection.sample => unlinked += 1,
            None => {}
        }
    }
    let mut shown: Vec<&Facility> = register
        .facilities()
        .filter(|f| region.is_none_or(|r| f.region == r.trim()))
        .filter(|f| query.matches([f.name.as_str(), f.region.as_str()]))
        .collect();
    shown.sort_by_cached_key(|f| (pinyin_key(&f.region), pinyin_key(&f.name)));
    if json {
        super::output::json(&shown)?;
        return Ok(ExitCode::SUCCESS);
    }
    if register.is_empty() {
        outln!(
            "机构名录是空的。用 pingshen facility add --name … --region … --type … 登记，或用 pingshen facility migrate 从已有的检查生成。"
        );
    } else if shown.is_empty() {
        outln!("没有符合条件的机构（共登记 {} 家）。", register.len());
    } else {
        let rows: Vec<Vec<String>> = shown
            .iter()
            .map(|f| {
                vec![
                    f.id.clone(),
                    table::clip(&f.name, 30),
                    f.region.clone(),
                    f.kind_text(),
                    f.community_hospital_text(),
                    counts.get(&f.id).copied().unwrap_or(0).to_string(),
                ]
            })
            .collect();
        out!(
            "{}",
            table::render(
                &[
                    "编号",
                    "机构名称",
                    "所在区县",
                    "机构类型",
                    "社区医院",
                    "检查次数"
                ],
                &rows
            )
        );
    }
    if unlinked > 0 {
        errln!("另有 {unlinked} 次检查尚未归入机构：运行 pingshen facility migrate 查看如何归入。");
    }
    Ok(ExitCode::SUCCESS)
}

fn migrate(
    paths: &Paths,
    store: &Store,
    apply: bool,
    merge_near: bool,
) -> anyhow::Result<ExitCode> {
    let plan = store.facility_plan()?;
    if plan.is_empty() {
        outln!("所有检查都已归入机构（{} 次），无需迁移。", plan.linked);
        return Ok(ExitCode::SUCCESS);
    }
    let n = |ids: &[String]| ids.len();
    for (f, s) in &plan.to_existing {
        outln!(
            "归入已登记的「{}」（{}）：{} 次检查",
            f.name,
            f.region,
            n(&s.inspections)
        );
    }
    for s in &plan.to_new {
        outln!(
            "新登记「{}」（{}，{}）：{} 次检查",
            s.institution.name,
            s.institution.region,
            s.institution.kind,
            n(&s.inspections)
        );
    }
    for (registered, group) in &plan.near {
        let into = match registered {
            Some(f) => format!("已登记的「{}」（{}）", f.name, f.id),
            None => format!("「{}」", group[0].institution.name),
        };
        outln!(
            "疑似同一机构的不同写法（{}）：{}；确认后都归入{into}",
            group[0].institution.region,
            group
                .iter()
                .map(|s| format!("「{}」{} 次", s.institution.name, n(&s.inspections)))
                .collect::<Vec<_>>()
                .join("、")
        );
    }
    if !apply {
        outln!(
            "以上为计划，尚未改动。确认后运行 pingshen facility migrate --apply{}。",
            if plan.near.is_empty() {
                ""
            } else {
                "（疑似重复确认是同一机构时加 --merge-near；不是的，请先用 pingshen edit 更正机构名称）"
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let by = paths.actor_among(store, &[])?;
    let done = store.migrate_facilities(merge_near, &by)?;
    for (s, why) in &done.skipped {
        errln!(
            "「{}」（{}）的 {} 次检查未归入：{why}",
            s.institution.name,
            s.institution.region,
            s.inspections.len()
        );
    }
    outln!(
        "已登记 {} 家机构，{} 次检查归入机构名录。",
        done.registered,
        done.linked
    );
    if done.near_left > 0 {
        outln!(
            "另有 {} 组疑似重复的写法尚未归入：确认是同一机构后运行 pingshen facility migrate --apply --merge-near。",
            done.near_left
        );
    }
    Ok(ExitCode::SUCCESS)
}
