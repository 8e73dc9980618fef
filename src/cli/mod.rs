//! One file per subcommand; each is thin: it calls the library and prints.

mod check;
mod checklists;
mod grade;
mod history;
mod list;
mod new;
mod paths;
mod show;
mod table;
mod transfer;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// 列出可用的清单（内置的和用户清单目录中的）
    Checklists,
    /// 新建一次检查，打印其编号
    New(new::NewArgs),
    /// 列出全部检查：机构、类型、评审类型、日期、进度、目前结论
    List {
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 给一个条款评分，或记录备注、整改意见、佐证材料
    Grade(grade::GradeArgs),
    /// 显示一次检查：条款、分章统计、评审结论及理由
    Show {
        id: String,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 显示修改历史（谁、何时、哪一条、从什么改为什么）
    History { id: String, item: Option<String> },
    /// 删除一次检查（删除前自动备份到数据目录的 deleted/ 中）
    Delete { id: String },
    /// 把一次检查导出为自带校验和的 JSON 文件
    Export {
        id: String,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// 导入 pingshen export 生成的文件
    Import {
        file: PathBuf,
        /// 已有同编号且内容不同的检查时，用文件内容替换（原内容先备份）
        #[arg(long)]
        replace: bool,
    },
    /// 数据库无法打开时，从最新的完好备份重建数据库
    Recover {
        /// 数据库能打开时也重建（原数据库会被移到一旁保留）
        #[arg(long)]
        force: bool,
    },
    /// 把检查改为使用其清单的当前版本，并报告新增、删除、改动的条款
    Repin {
        id: String,
        /// 只显示报告，不改动
        #[arg(long)]
        dry_run: bool,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let paths = Paths::resolve(args.data_dir, args.checklist_dir);
    match args.command {
        Some(Command::Check { files }) => check::run(&files),
        Some(Command::Checklists) => checklists::run(&paths),
        Some(Command::New(a)) => new::run(&paths, a),
        Some(Command::List { json }) => list::run(&paths, json),
        Some(Command::Grade(a)) => grade::run(&paths, a),
        Some(Command::Show { id, json }) => show::run(&paths, &id, json),
        Some(Command::History { id, item }) => history::run(&paths, &id, item.as_deref()),
        Some(Command::Delete { id }) => transfer::delete(&paths, &id),
        Some(Command::Export { id, output }) => transfer::export(&paths, &id, &output),
        Some(Command::Import { file, replace }) => transfer::import(&paths, &file, replace),
        Some(Command::Recover { force }) => transfer::run_recover(&paths, force),
        Some(Command::Repin { id, dry_run }) => transfer::repin(&paths, &id, dry_run),
        None => {
            use clap::CommandFactory;
            Args::command().print_help()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
