//! The SuggestionService over gRPC (IndexHistory, Suggest and their errors) and the history /
//! suggest commands, against an in-process server with the real model and embedded index.

use crate::common;

use common::TestServer;
use ledgerline::company::generate::{COMPANY, Spec, generate};
use ledgerline::history::HistoryRecord;
use ledgerline::proto::v1 as pb;
use pb::suggestion_service_client::SuggestionServiceClient;
use tonic::Code;

fn history() -> Vec<HistoryRecord> {
    generate(&Spec {
        seed: 9,
        vendors: 20,
        lines: 400,
        noise: 0.0,
    })
    .history
}

fn wire(r: &HistoryRecord) -> pb::HistoryLine {
    pb::HistoryLine {
        line_id: r.line_id.clone(),
        company: Some(pb::CompanyRef {
            company_id: r.company.clone(),
            entity_id: r.entity.clone().unwrap_or_default(),
        }),
        date: r.posting_date.to_string(),
        amount: Some(pb::Money {
            amount: r.amount.to_string(),
            currency: "USD".into(),
        }),
        memo: r.memo.clone(),
        vendor_name: r.vendor_name.clone().unwrap_or_default(),
        coding: Some(pb::Coding {
            account: r.account.clone(),
            department: r.department.clone().unwrap_or_default(),
            location: r.location.clone().unwrap_or_default(),
            project: r.project.clone().unwrap_or_default(),
            class_id: r.class.clone().unwrap_or_default(),
            ..Default::default()
        }),
        modified_at: String::new(),
    }
}

fn request(company: &str, description: &str, vendor: &str) -> pb::SuggestRequest {
    pb::SuggestRequest {
        company: Some(pb::CompanyRef {
            company_id: company.into(),
            entity_id: String::new(),
        }),
        description: description.into(),
        vendor: vendor.into(),
        amount: Some(pb::Money {
            amount: "250.00".into(),
            currency: "USD".into(),
        }),
        date: "2025-06-01".into(),
        max_candidates: 2,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indexed_history_answers_suggestions_and_bad_requests_get_clear_statuses() {
    let server = TestServer::start(|_| {}).await;
    let mut client = SuggestionServiceClient::new(server.channel().await);
    let lines = history();
    let report = client
        .index_history(tokio_stream::iter(
            lines.iter().map(wire).collect::<Vec<_>>(),
        ))
        .await
        .unwrap()
        .into_inner();
    let n = lines.len() as u64;
    assert!(n > 300);
    assert_eq!((report.received, report.indexed), (n, n));
    assert!(report.rejected.is_empty());

    let sample = &lines[lines.len() - 1];
    let vendor = sample.vendor_name.clone().unwrap();
    let answer = client
        .suggest(request(COMPANY, &sample.memo, &vendor))
        .await
        .unwrap()
        .into_inner();
    let best = answer.best.unwrap();
    assert_eq!(best.account, sample.account, "{:?}", answer.fields);
    let account = &answer.fields[0];
    assert_eq!(account.field, pb::CodingField::Account as i32);
    assert!(account.candidates.len() <= 2);
    let top = &account.candidates[0];
    assert!(top.confidence > 0.0 && top.confidence <= 1.0);
    assert!(!top.precedents.is_empty());
    assert!(top.precedents[0].similarity > 0.5);
    assert!(!answer.model_version.is_empty());

    let status = client
        .suggest(request("NOBODY", "paper", ""))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    assert!(
        status.message().contains("history import"),
        "{}",
        status.message()
    );
    let status = client
        .suggest(request(COMPANY, "   ", &vendor))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_qdrant_server_that_is_down_answers_unavailable_and_the_service_keeps_running() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = TestServer::start(|config| {
        config.qdrant_url = Some(format!("http://127.0.0.1:{port}"));
    })
    .await;
    let mut client = SuggestionServiceClient::new(server.channel().await);
    let lines: Vec<pb::HistoryLine> = history().iter().take(5).map(wire).collect();
    let status = client
        .index_history(tokio_stream::iter(lines))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert!(
        status.message().contains("after 3 attempts"),
        "{}",
        status.message()
    );
    let status = client
        .suggest(request(COMPANY, "paper", ""))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    server.stop().await.unwrap();
}

#[test]
fn history_import_and_suggest_commands_print_json() {
    import_and_suggest(None);
}

/// The same commands with the Qdrant URL in the environment only: both reach the server, and
/// without the variable the embedded index, which holds nothing, is an error that names it.
#[test]
fn history_import_and_suggest_reach_the_qdrant_server_named_in_the_environment() {
    let qdrant = common::QdrantServer::start();
    import_and_suggest(Some(&qdrant.url));
}

fn import_and_suggest(qdrant_url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("gl.csv");
    let mut text =
        String::from("RECORDNO,ENTRY_DATE,AMOUNT,ACCOUNTNO,DESCRIPTION,VENDORNAME,DEPARTMENTID\n");
    for r in history().iter().take(120) {
        text.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            r.line_id,
            r.posting_date,
            r.amount,
            r.account,
            r.memo,
            r.vendor_name.as_deref().unwrap_or(""),
            r.department.as_deref().unwrap_or("")
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let run = |args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ledgerline"));
        command
            .args(args)
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("LEDGERLINE_CONFIG")
            .env_remove("LEDGERLINE_QDRANT_URL");
        if let Some(url) = qdrant_url {
            command.env("LEDGERLINE_QDRANT_URL", url);
        }
        command.output().unwrap()
    };
    let out = run(&[
        "history",
        "import",
        csv.to_str().unwrap(),
        "--company",
        "CLI",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("imported 120 lines"), "{printed}");
    if let Some(url) = qdrant_url {
        assert!(
            printed.contains(&format!("into the Qdrant server at {url}")),
            "{printed}"
        );
    }
    let first = &history()[0];
    let out = run(&[
        "suggest",
        "--company",
        "CLI",
        "--vendor",
        first.vendor_name.as_deref().unwrap(),
        "--amount",
        "123.45",
        &first.memo,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["fields"][0]["field"], "account");
    assert_eq!(
        json["fields"][0]["candidates"][0]["value"],
        first.account.as_str()
    );
    let out = run(&["suggest", "--company", "NOBODY", "paper"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("history import"));
    if let Some(url) = qdrant_url {
        // The chart is on disk, the history only in the server: the embedded index says so.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ledgerline"))
            .args(["suggest", "--company", "CLI", "paper"])
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("LEDGERLINE_CONFIG")
            .env_remove("LEDGERLINE_QDRANT_URL")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(
            stderr.contains("has no history in the embedded index at"),
            "{stderr}"
        );
        // `index migrate` brings the history home; the embedded index then answers the same.
        let out = run(&[
            "index",
            "migrate",
            "--company",
            "CLI",
            "--from",
            url,
            "--to",
            "edge",
        ]);
        let printed = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && printed.contains("copied 120 lines of CLI"),
            "{printed}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ledgerline"))
            .args(["suggest", "--company", "CLI", "--vendor"])
            .arg(first.vendor_name.as_deref().unwrap())
            .args(["--amount", "123.45", &first.memo, "--data-dir"])
            .arg(dir.path())
            .env_remove("LEDGERLINE_CONFIG")
            .env_remove("LEDGERLINE_QDRANT_URL")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            json["fields"][0]["candidates"][0]["value"],
            first.account.as_str()
        );
        let out = run(&[
            "index",
            "migrate",
            "--company",
            "NOBODY",
            "--from",
            "edge",
            "--to",
            url,
        ]);
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("has no history in the embedded index"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
