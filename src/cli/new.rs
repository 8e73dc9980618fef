//! `pingshen new`: starts an inspection and prints its id.

use std::process::ExitCode;

use anyhow::bail;
use clap::Args;
use pingshen::store::{Institution, NewInspection, ReviewKind, sample_checklist};

use super::Paths;

#[derive(Args, Debug)]
pub struct NewArgs {
    /// 使用的清单编号（见 pingshen checklists），如 community-2022
    #[arg(long)]
    pub checklist: String,
    /// 已登记的机构（编号或名称，见 pingshen facility list）：名称、区县、类型、负责人和电话取自机构名录
    #[arg(long, conflicts_with_all = ["institution", "region", "institution_type", "head", "phone"])]
    pub facility: Option<String>,
    /// 机构名称（未登记的机构会登记进机构名录）
    #[arg(long, required_unless_present = "facility")]
    pub institution: Option<String>,
    /// 所在区县，如 北京市东城区
    #[arg(long, required_unless_present = "facility")]
    pub region: Option<String>,
    /// 机构类型（默认取清单的机构类型）
    #[arg(long = "type", value_name = "TYPE")]
    pub institution_type: Option<String>,
    /// 评审类型：自评、区级评审、市级复核、省级抽查、回头看
    #[arg(long, default_value = "区级评审")]
    pub kind: String,
    /// 评审日期 YYYY-MM-DD（默认今天）
    #[arg(long)]
    pub date: Option<String>,
    /// 评审专家（可写多次）；第一位是评审组长
    #[arg(long = "inspector", required = true)]
    pub inspectors: Vec<String>,
    /// 组织单位，如 某某区卫生健康委员会（印在报告封面）
    #[arg(long, default_value = "")]
    pub organiser: String,
    /// 机构负责人
    #[arg(long, default_value = "")]
    pub head: String,
    /// 负责人联系电话
    #[arg(long, default_value = "")]
    pub phone: String,
}

pub fn run(paths: &Paths, args: NewArgs) -> anyhow::Result<ExitCode> {
    let Some(review_kind) = ReviewKind::parse(&args.kind) else {
        bail!(
            "评审类型 `{}` 无法识别。可选：{}。",
            args.kind,
            ReviewKind::ALL.map(|k| k.label()).join("、")
        );
    };
    let catalog = paths.catalog();
    let Some(found) = catalog.get(&args.checklist) else {
        bail!(
            "没有编号为 `{}` 的清单。可用的清单：{}（运行 pingshen checklists 查看详情）。",
            args.checklist,
            catalog.ids().join("、")
        );
    };
    let store = paths.open_store()?;
    let institution = match &args.facility {
        Some(text) => {
            let register = store.facilities()?;
            let f = register.find(text).map_err(anyhow::Error::msg)?;
            Institution {
                name: f.name.clone(),
                region: f.region.clone(),
                kind: f.kind.clone(),
                head: f.head.clone(),
                phone: f.phone.clone(),
            }
        }
        None => Institution {
            name: args.institution.unwrap_or_default().trim().to_string(),
            region: args.region.unwrap_or_default().trim().to_string(),
            kind: args
                .institution_type
                .unwrap_or_else(|| found.checklist.institution_type.clone()),
            head: args.head.trim().to_string(),
            phone: args.phone.trim().to_string(),
        },
    };
    let new = NewInspection {
        institution,
        review_kind,
        date: args
            .date
            .unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d").to_string()),
        inspectors: args.inspectors,
        sample: false,
        organiser: args.organiser,
    };
    let by = paths.actor_among(&store, &new.clone().cleaned().inspectors)?;
    let inspection = store.create(new, &found.checklist, &found.source, &by)?;
    outln!("{}", inspection.id);
    Ok(ExitCode::SUCCESS)
}

/// `pingshen sample`: the sample inspection the TUI offers on a first start.
pub fn sample(paths: &Paths) -> anyhow::Result<ExitCode> {
    let catalog = paths.catalog();
    let Some(found) = sample_checklist(&catalog) else {
        bail!("没有可用的清单，无法创建示例检查。请运行 pingshen checklists 查看清单为何不可用。");
    };
    let store = paths.open_store()?;
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    // The sample's inspectors are made up: its grades are recorded as whoever asked.
    let by = paths
        .acting
        .clone()
        .or_else(pingshen::identity::inspector_from_env)
        .or_else(|| store.identity().name().map(str::to_string))
        .unwrap_or_else(|| "本机用户".to_string());
    let sample = store.create_sample(found, &today, &by)?;
    errln!(
        "已创建示例检查「{}」（清单 {}，预填 {} 条评分）。",
        sample.inspection.institution.name,
        found.checklist.id,
        sample.graded
    );
    outln!("{}", sample.inspection.id);
    Ok(ExitCode::SUCCESS)
}
