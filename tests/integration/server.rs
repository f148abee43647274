//! The gRPC surface, served in-process on ephemeral ports with the real native runtime.

use crate::common;

use common::TestServer;
use ledgerline::proto::v1 as pb;
use tonic::Code;
use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus};

fn document(bytes: usize) -> pb::ExtractRequest {
    pb::ExtractRequest {
        document: Some(pb::Document {
            content: vec![0x25; bytes],
            media_type: "application/pdf".into(),
            external_id: "inv-1".into(),
            password: String::new(),
        }),
        company: Some(pb::CompanyRef {
            company_id: "acme".into(),
            entity_id: String::new(),
        }),
        options: None,
    }
}

#[tokio::test]
async fn health_reports_serving_for_the_server_and_every_service() {
    let server = TestServer::start(|_| {}).await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    for service in [
        "",
        "ledgerline.v1.ExtractionService",
        "ledgerline.v1.ReviewService",
    ] {
        let status = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32, "service {service:?}");
    }
    let unknown = health
        .check(HealthCheckRequest {
            service: "ledgerline.v1.NoSuchService".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn reflection_lists_the_four_services_with_their_methods() {
    use tonic_reflection::pb::v1::{
        ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
    };
    let server = TestServer::start(|_| {}).await;
    let mut client = ServerReflectionClient::new(server.channel().await);
    let ask = |request: MessageRequest| ServerReflectionRequest {
        host: String::new(),
        message_request: Some(request),
    };
    let requests = vec![
        ask(MessageRequest::ListServices(String::new())),
        ask(MessageRequest::FileContainingSymbol(
            "ledgerline.v1.ReviewService".into(),
        )),
    ];
    let mut responses = client
        .server_reflection_info(tokio_stream::iter(requests))
        .await
        .unwrap()
        .into_inner();

    let Some(MessageResponse::ListServicesResponse(list)) =
        responses.message().await.unwrap().unwrap().message_response
    else {
        panic!("expected a service list");
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for service in ledgerline::proto::SERVICE_NAMES {
        assert!(
            names.contains(&service.to_string()),
            "{service} missing from {names:?}"
        );
    }
    assert!(
        names.contains(&"grpc.health.v1.Health".to_string()),
        "{names:?}"
    );

    let Some(MessageResponse::FileDescriptorResponse(files)) =
        responses.message().await.unwrap().unwrap().message_response
    else {
        panic!("expected a file descriptor");
    };
    let file: prost_types::FileDescriptorProto =
        prost::Message::decode(files.file_descriptor_proto[0].as_slice()).unwrap();
    let review = file
        .service
        .iter()
        .find(|s| s.name() == "ReviewService")
        .unwrap();
    let methods: Vec<&str> = review.method.iter().map(|m| m.name()).collect();
    assert_eq!(
        methods,
        ["ListPending", "GetProposal", "Approve", "Edit", "Reject"]
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn an_unknown_proposal_is_not_found_and_a_bad_history_line_is_refused() {
    let server = TestServer::start(|_| {}).await;
    let channel = server.channel().await;
    let mut review = pb::review_service_client::ReviewServiceClient::new(channel.clone());
    let status = review
        .approve(pb::ApproveRequest {
            proposal_id: "p-1".into(),
            expected_version: 1,
            comment: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(
        status.message().contains("no proposal p-1"),
        "{}",
        status.message()
    );

    // IndexHistory is built: an empty line is refused by position and nothing is indexed.
    let mut suggestion = pb::suggestion_service_client::SuggestionServiceClient::new(channel);
    let lines = tokio_stream::iter(vec![pb::HistoryLine::default()]);
    let report = suggestion.index_history(lines).await.unwrap().into_inner();
    assert_eq!((report.received, report.indexed), (1, 0));
    assert_eq!(report.rejected[0].position, 0);
    assert!(report.rejected[0].message.contains("line_id"), "{report:?}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn an_oversized_message_is_refused_with_resource_exhausted() {
    let server = TestServer::start(|config| config.limits.max_request_bytes = 64 * 1024).await;
    let mut client =
        pb::extraction_service_client::ExtractionServiceClient::new(server.channel().await)
            .max_encoding_message_size(usize::MAX);

    let status = client.extract(document(200 * 1024)).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(
        status.message().contains("--max-request-bytes"),
        "{}",
        status.message()
    );

    // Just under the limit it reaches the handler (which finds no PDF in the bytes), and the
    // connection is still usable.
    let status = client.extract(document(60 * 1024)).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn metrics_count_requests_by_rpc_and_code() {
    let server = TestServer::start(|_| {}).await;
    let mut client =
        pb::proposal_service_client::ProposalServiceClient::new(server.channel().await);
    let _ = client
        .validate_journal_entry(pb::ValidateJournalEntryRequest::default())
        .await;
    let body = http_get(&server.metrics_url).await;
    assert!(body.contains("ledgerline_build_info"), "{body}");
    // The recorder is global to the test process, where other tests call the same RPC with
    // other outcomes: look for this call's counter by both labels.
    let counted = body.lines().any(|l| {
        l.starts_with("ledgerline_grpc_requests_total")
            && l.contains("ledgerline.v1.ProposalService/ValidateJournalEntry")
            && l.contains("code=\"Client specified an invalid argument\"")
    });
    assert!(
        counted,
        "no request counter for the invalid argument in {body}"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn shutdown_stops_accepting_and_returns() {
    let server = TestServer::start(|_| {}).await;
    let url = server.grpc_url.clone();
    let channel = server.channel().await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    health.check(HealthCheckRequest::default()).await.unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(20), server.stop())
        .await
        .expect("server returned within its grace period")
        .unwrap();
    let refused = tonic::transport::Endpoint::from_shared(url)
        .unwrap()
        .connect()
        .await;
    assert!(refused.is_err(), "the port no longer accepts connections");
}

/// A minimal HTTP/1.1 GET, so the tests need no HTTP client crate.
async fn http_get(url: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    response
}

async fn health_of(channel: tonic::transport::Channel) -> Result<i32, tonic::Status> {
    tonic_health::pb::health_client::HealthClient::new(channel)
        .check(HealthCheckRequest { service: "".into() })
        .await
        .map(|r| r.into_inner().status)
}

/// Connections over the cap are closed as they arrive, and a slot frees when one closes.
#[tokio::test]
async fn connections_over_the_limit_are_closed_and_slots_come_back() {
    let server = TestServer::start(|c| c.limits.max_connections = 2).await;
    let endpoint = tonic::transport::Endpoint::from_shared(server.grpc_url.clone()).unwrap();
    let first = endpoint.connect().await.unwrap();
    let second = endpoint.connect().await.unwrap();
    assert_eq!(
        health_of(first.clone()).await.unwrap(),
        ServingStatus::Serving as i32
    );
    assert_eq!(
        health_of(second.clone()).await.unwrap(),
        ServingStatus::Serving as i32
    );
    // The third is accepted by the kernel and closed by the server: no call gets through.
    if let Ok(third) = endpoint.connect().await {
        assert!(health_of(third).await.is_err());
    }
    drop(first);
    let mut served = false;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if let Ok(channel) = endpoint.connect().await
            && health_of(channel).await.is_ok()
        {
            served = true;
            break;
        }
    }
    assert!(served, "a closed connection gives its slot back");
    drop(second);
    server.stop().await.unwrap();
}

/// Documents received and not finished share one byte budget: over it, RESOURCE_EXHAUSTED at
/// once instead of a queue that holds every upload in memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_beyond_the_waiting_bytes_budget_are_refused_at_once() {
    let png = std::fs::read(common::documents().join("inv-compact-004.p1.png")).unwrap();
    let budget = png.len() * 3 / 2;
    let server = TestServer::start(move |c| {
        c.limits.max_request_bytes = budget;
        c.limits.max_waiting_bytes = budget;
    })
    .await;
    let client =
        pb::extraction_service_client::ExtractionServiceClient::new(server.channel().await);
    let calls = (0..3).map(|i| {
        let mut client = client.clone();
        let mut request = document(0);
        let doc = request.document.as_mut().unwrap();
        doc.content = png.clone();
        doc.media_type = "image/png".into();
        doc.external_id = format!("page-{i}");
        async move { client.extract(request).await }
    });
    let results = futures::future::join_all(calls).await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let refused: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(ok >= 1, "{results:?}");
    assert!(
        !refused.is_empty(),
        "three scans at once fit a budget of one and a half"
    );
    for status in refused {
        assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
        assert!(
            status.message().contains("waiting to be read"),
            "{status:?}"
        );
    }
    // Once they are done, the budget is whole again.
    let mut request = document(0);
    let doc = request.document.as_mut().unwrap();
    doc.content = png;
    doc.media_type = "image/png".into();
    client.clone().extract(request).await.unwrap();
    server.stop().await.unwrap();
}
