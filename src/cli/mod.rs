//! One file per subcommand; each is thin: it calls the library and prints.

#[macro_use]
pub mod output;

mod annual;
mod annual_out;
mod check;
mod checklists;
mod compare;
mod csv_out;
mod facility;
mod grade;
mod hints;
mod history;
mod identity;
mod list;
mod new;
mod paths;
mod phrases;
mod report;
mod roster;
mod show;
mod status;
mod table;
mod team;
mod transfer;
mod tui;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use hints::for_error as hint_for;
pub use paths::Paths;

#[derive(Parser, Debug)]
#[command(
    name = "pingshen",
    version,
    about = "评审：基层医疗卫生机构服务能力现场评审工具\nOn-site service-capability reviews of primary-care facilities"
)]
pub struct Args {
    /// 数据目录（默认为系统的本地数据目录）
    #[arg(long, global = true, env = "PINGSHEN_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// 用户清单目录：其中的 *.toml 清单与内置清单一起使用，同 id 时替换内置清单
    #[arg(
        long,
        global = true,
        env = "PINGSHEN_CHECKLIST_DIR",
        value_name = "DIR"
    )]
    pub checklist_dir: Option<PathBuf>,
    /// 配置目录：本机身份、签名密钥和信任的密钥存放在这里（默认为系统的配置目录）
    #[arg(long, global = true, env = "PINGSHEN_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// 以哪位评审专家的身份操作（记入日志）；不写时依次取环境变量 PINGSHEN_INSPECTOR、本机身份（若是本检查的评审专家）、唯一的评审专家
    #[arg(long = "as", visible_alias = "by", global = true, value_name = "NAME")]
    pub acting: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 检查清单文件，列出全部错误（含行号、列号和修改建议）
    Check {
        /// 要检查的 TOML 清单文件
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// 列出可用的清单（内置的和用户清单目录中的）；export / import / template 在清单与 Excel 工作簿之间转换
    Checklists {
        #[command(subcommand)]
        action: Option<checklists::Action>,
    },
    /// 新建一次检查，打印其编号
    New(new::NewArgs),
    /// 机构名录：list 列出、add 登记、edit 修改、merge 合并重复、assign 归入检查、migrate 把旧检查归入机构
    Facility {
        #[command(subcommand)]
        action: Option<facility::Action>,
    },
    /// 新建一次示例检查（虚构机构，预填几条评分、备注和整改意见），打印其编号
    Sample,
    /// 列出全部检查：机构、类型、评审类型、日期、进度、目前结论
    List {
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 给一个条款评分，或记录备注、整改意见、佐证材料
    Grade(grade::GradeArgs),
    /// 列出一个条款的常用评语（本次检查其他条款已用过的在前，再是清单中的，最后是配置目录 phrases.toml 中我的），带序号，供 grade --note-phrase 使用
    Phrases {
        /// 检查编号（可只写开头几位）
        id: String,
        /// 条款编号，如 3.3.1
        item: String,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 撤销你在本机对这次检查的上一次改动（评分、备注、整改意见、佐证），撤销记入日志
    Undo {
        /// 检查编号（可只写开头几位）
        id: String,
    },
    /// 重做上一次撤销的改动（记入日志）
    Redo {
        /// 检查编号（可只写开头几位）
        id: String,
    },
    /// 显示一次检查：条款、分章统计、评审结论及理由
    Show {
        /// 检查编号（可只写开头几位）
        id: String,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 显示修改历史（谁、何时、哪一条、从什么改为什么）
    History {
        /// 检查编号（可只写开头几位）
        id: String,
        /// 只显示这一条款的历史，如 2.1.3
        item: Option<String>,
    },
    /// 删除一次检查（删除前自动备份到数据目录的 deleted/ 中）
    Delete {
        /// 检查编号（可只写开头几位）
        id: String,
    },
    /// 把一次检查导出为签名的文件（.pingshen：全部日志记录和所用清单，由本机密钥签名）
    Export {
        /// 检查编号（可只写开头几位）
        id: String,
        /// 导出到的文件，如 东城区某中心.pingshen（默认：输出文件夹中的「机构名称-日期.pingshen」或 .csv，同名文件已存在时加序号）
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// 只导出这位评审专家负责的章节（见 pingshen assign）
        #[arg(long = "for", value_name = "NAME")]
        inspector: Option<String>,
        /// 导出格式：json（签名的导出文件，可再导入、合并）或 csv（逐条评分表，供录入申报信息系统）
        #[arg(long, default_value = "json", value_parser = ["json", "csv"])]
        format: String,
        /// 不带佐证文件（照片等），只导出记录，文件小、可邮寄；合并后文件标「缺失」，等带文件的导出到了再补上
        #[arg(long)]
        without_files: bool,
    },
    /// 分工：指定某位评审专家负责哪些章（--chapter 可写多次；不写则取消其分工）
    Assign {
        /// 检查编号（可只写开头几位）
        id: String,
        /// 评审专家姓名
        #[arg(long)]
        inspector: String,
        /// 由他负责的章号，如 --chapter 1 --chapter 3（不写则取消他的分工）
        #[arg(long = "chapter", value_name = "N")]
        chapters: Vec<String>,
    },
    /// 合并同一次检查在多台电脑上的导出文件（逐条合并，评分不一致的条款列为冲突）
    Merge {
        /// 组员用 pingshen export 导出的文件，可写多个
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 接受文件中第一次见到的签名密钥（请先与本人核对指纹）
        #[arg(long)]
        trust: bool,
    },
    /// 列出合并后待裁定的冲突条款
    Conflicts {
        /// 检查编号（可只写开头几位）
        id: String,
    },
    /// 裁定冲突：条款取第几个版本（见 pingshen conflicts）
    Settle {
        /// 检查编号（可只写开头几位）
        id: String,
        /// 条款编号，如 2.1.3
        item: String,
        /// 取第几个版本（见 pingshen conflicts 的「版本」列，从 1 开始）
        version: usize,
    },
    /// 更正检查的基本信息：机构名称、所在区县、机构类型、负责人、电话、评审类型、日期、评审专家（修改记入日志）
    Edit(team::EditArgs),
    /// 关联同一机构的上次评审（回头看、复核），报告中加入对比
    Link {
        /// 检查编号（可只写开头几位）
        id: String,
        /// 上次评审的检查编号
        #[arg(long)]
        previous: Option<String>,
    },
    /// 把检查标记为已完成：之后的评分、备注、分工等修改都须先重新打开
    Complete {
        /// 检查编号（可只写开头几位）
        id: String,
    },
    /// 重新打开已完成的检查，以便修改（原因记入修改历史）
    Reopen {
        /// 检查编号（可只写开头几位）
        id: String,
        /// 为什么要重新打开，如「复核发现 2.3.1 评分有误」
        #[arg(long)]
        reason: String,
    },
    /// 比较同一机构的两次评审：逐条提升/下降、分章达标率、评审结论
    Compare {
        /// 较早的一次检查的编号（可只写开头几位）
        old: String,
        /// 较晚的一次检查的编号（可只写开头几位）
        new: String,
        /// 也列出没有变化的条款
        #[arg(long)]
        all: bool,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 评审名单：按区县、评审类型、年份筛选；--recommended 输出附件1格式
    Roster(roster::RosterArgs),
    /// 区县的年度工作：--due 列出评审工作日程（申报信息系统、区级评审、复核、附件2 的截止日期，还有几天）；年度统计报告在这一版尚未提供
    Annual(annual::AnnualArgs),
    /// 年度目标（配置目录的 targets.toml）：check 检查并用文字列出每个目标（有错时列出每个错误），template 打印带说明的示例
    Targets {
        #[command(subcommand)]
        action: Option<annual::TargetsAction>,
    },
    /// 导入 pingshen export 生成的文件（已有同一检查时，把文件中的新记录并入）
    Import {
        /// pingshen export 生成的文件
        file: PathBuf,
        /// 接受文件中第一次见到的签名密钥（请先与本人核对指纹）
        #[arg(long)]
        trust: bool,
    },
    /// 从各检查的日志（及其备份）重建数据库；原数据库移到一旁保留
    Recover,
    /// 核对全部日志的链和签名，逐条报告断处；给出报告 PDF 时，核对它与检查记录是否一致
    Verify {
        /// 评审报告 PDF；不写则核对数据目录中的全部日志
        pdf: Option<PathBuf>,
        /// 与这个导出文件核对（而不是数据目录中的检查）
        #[arg(long, value_name = "FILE")]
        against: Option<PathBuf>,
    },
    /// 显示本机身份（姓名、职称、单位、签名密钥指纹）；--set 设置
    Whoami {
        /// 设置姓名
        #[arg(long, value_name = "NAME")]
        set: Option<String>,
        /// 职称，如 主任医师（与 --set 一起）
        #[arg(long, requires = "set")]
        title: Option<String>,
        /// 单位（与 --set 一起）
        #[arg(long, requires = "set")]
        unit: Option<String>,
    },
    /// 信任的其他电脑的签名密钥：列出；trust 指纹 接受；revoke 指纹 吊销
    Keys {
        #[command(subcommand)]
        action: Option<identity::KeysAction>,
    },
    /// 生成评审报告 PDF：封面、基本信息、评审结论、分章统计、不达标条款、条款明细、佐证、签字栏
    Report(report::ReportArgs),
    /// 把检查改为使用其清单的当前版本，并报告新增、删除、改动的条款
    Repin {
        /// 检查编号（可只写开头几位）
        id: String,
        /// 只显示报告，不改动
        #[arg(long)]
        dry_run: bool,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let paths = Paths::resolve(
        args.data_dir,
        args.checklist_dir,
        args.config_dir,
        args.acting,
    );
    match args.command {
        Some(Command::Check { files }) => check::run(&files),
        Some(Command::Checklists { action }) => checklists::run(&paths, action),
        Some(Command::New(a)) => new::run(&paths, a),
        Some(Command::Facility { action }) => facility::run(&paths, action),
        Some(Command::Sample) => new::sample(&paths),
        Some(Command::List { json }) => list::run(&paths, json),
        Some(Command::Grade(a)) => grade::run(&paths, a),
        Some(Command::Phrases { id, item, json }) => phrases::run(&paths, &id, &item, json),
        Some(Command::Undo { id }) => grade::undo(&paths, &id, false),
        Some(Command::Redo { id }) => grade::undo(&paths, &id, true),
        Some(Command::Show { id, json }) => show::run(&paths, &id, json),
        Some(Command::History { id, item }) => history::run(&paths, &id, item.as_deref()),
        Some(Command::Delete { id }) => transfer::delete(&paths, &id),
        Some(Command::Export {
            id,
            output,
            inspector,
            format,
            without_files,
        }) => transfer::export(
            &paths,
            &id,
            output.as_deref(),
            inspector.as_deref(),
            format == "csv",
            !without_files,
        ),
        Some(Command::Assign {
            id,
            inspector,
            chapters,
        }) => team::assign(&paths, &id, &inspector, &chapters),
        Some(Command::Merge { files, trust }) => team::merge(&paths, &files, trust),
        Some(Command::Conflicts { id }) => team::conflicts(&paths, &id),
        Some(Command::Settle { id, item, version }) => team::settle(&paths, &id, &item, version),
        Some(Command::Edit(args)) => team::edit(&paths, args),
        Some(Command::Link { id, previous }) => team::link(&paths, &id, previous.as_deref()),
        Some(Command::Complete { id }) => status::complete(&paths, &id),
        Some(Command::Reopen { id, reason }) => status::reopen(&paths, &id, &reason),
        Some(Command::Compare {
            old,
            new,
            all,
            json,
        }) => compare::run(&paths, &old, &new, all, json),
        Some(Command::Roster(a)) => roster::run(&paths, a),
        Some(Command::Annual(a)) => annual::run(&paths, a),
        Some(Command::Targets { action }) => annual::targets(&paths, action),
        Some(Command::Import { file, trust }) => transfer::import(&paths, &file, trust),
        Some(Command::Recover) => transfer::run_recover(&paths),
        Some(Command::Verify { pdf, against }) => {
            identity::verify(&paths, pdf.as_deref(), against.as_deref())
        }
        Some(Command::Whoami { set, title, unit }) => identity::whoami(&paths, set, title, unit),
        Some(Command::Keys { action }) => identity::keys(&paths, action),
        Some(Command::Report(a)) => report::run(&paths, a),
        Some(Command::Repin { id, dry_run }) => transfer::repin(&paths, &id, dry_run),
        None => tui::run(&paths),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// `--help` describes every argument of every subcommand.
    #[test]
    fn every_argument_has_a_description() {
        let mut missing = Vec::new();
        let top = super::Args::command();
        for cmd in std::iter::once(&top).chain(top.get_subcommands()) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id != "help" && id != "version" && arg.get_help().is_none() {
                    missing.push(format!("{} {id}", cmd.get_name()));
                }
            }
        }
        assert!(missing.is_empty(), "no --help text: {missing:?}");
    }
}
