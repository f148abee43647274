//! The fake Intacct on the wire, without the client: it must refuse what Intacct refuses and
//! answer in Intacct's own formats, or the client tests prove nothing.

use crate::intacct_support;

use intacct_support::fake;
use ledgerline::fake_intacct::FakeHandle;
use ledgerline::intacct::xmltree::Element;
use ledgerline::intacct::{DUPLICATE_CONTROL_ID_ERRORNO, RESULT_ID_UNKNOWN_ERRORNO};
use serde_json::{Value, json};

fn login(fake: &FakeHandle, password: &str) -> Element {
    let c = fake.config();
    Element::new("authentication").child(
        Element::new("login")
            .child(Element::leaf("userid", &c.user_id))
            .child(Element::leaf("companyid", &c.company_id))
            .child(Element::leaf("password", password)),
    )
}

fn request(
    fake: &FakeHandle,
    sender_password: &str,
    unique: bool,
    auth: Element,
    function: Element,
) -> String {
    let c = fake.config();
    Element::new("request")
        .child(
            Element::new("control")
                .child(Element::leaf("senderid", &c.sender_id))
                .child(Element::leaf("password", sender_password))
                .child(Element::leaf("controlid", "raw-test"))
                .child(Element::leaf(
                    "uniqueid",
                    if unique { "true" } else { "false" },
                ))
                .child(Element::leaf("dtdversion", "3.0")),
        )
        .child(
            Element::new("operation")
                .child(auth)
                .child(Element::new("content").child(function)),
        )
        .to_document()
}

async fn post_xml(fake: &FakeHandle, body: String) -> Element {
    let response = reqwest::Client::new()
        .post(fake.xml_url())
        .header("content-type", "application/xml")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "business errors come with HTTP 200");
    Element::parse(&response.text().await.unwrap()).unwrap()
}

fn function(controlid: &str, call: Element) -> Element {
    Element::new("function")
        .attr("controlid", controlid)
        .child(call)
}

fn department_query(pagesize: &str) -> Element {
    Element::new("readByQuery")
        .child(Element::leaf("object", "DEPARTMENT"))
        .child(Element::leaf("fields", "*"))
        .child(Element::leaf("query", ""))
        .child(Element::leaf("pagesize", pagesize))
}

fn errorno(errors: &Element) -> String {
    errors
        .path(&["error", "errorno"])
        .map(|e| e.text.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn control_and_authentication_failures_come_at_their_own_level() {
    let fake = fake(0).await;
    let user_password = fake.config().user_password.clone();
    let read = function("f1", department_query("10"));

    let wrong_sender = post_xml(
        &fake,
        request(
            &fake,
            "nope",
            false,
            login(&fake, &user_password),
            read.clone(),
        ),
    )
    .await;
    assert_eq!(
        wrong_sender.path(&["control", "status"]).unwrap().text,
        "failure"
    );
    assert_eq!(
        errorno(wrong_sender.find("errormessage").unwrap()),
        "XL03000006"
    );
    assert!(wrong_sender.find("operation").is_none());

    let garbage = post_xml(&fake, "<request><control>".into()).await;
    assert_eq!(errorno(garbage.find("errormessage").unwrap()), "XL03000003");

    let sender = fake.config().sender_password.clone();
    let wrong_user = post_xml(
        &fake,
        request(&fake, &sender, false, login(&fake, "nope"), read.clone()),
    )
    .await;
    assert_eq!(
        wrong_user.path(&["control", "status"]).unwrap().text,
        "success"
    );
    let operation = wrong_user.find("operation").unwrap();
    assert_eq!(
        operation.path(&["authentication", "status"]).unwrap().text,
        "failure"
    );
    assert!(operation.find("result").is_none(), "no function runs");

    let ok = post_xml(
        &fake,
        request(&fake, &sender, false, login(&fake, &user_password), read),
    )
    .await;
    let result = ok.path(&["operation", "result"]).unwrap();
    assert_eq!(result.text_of("status"), Some("success"));
    assert_eq!(result.text_of("function"), Some("readByQuery"));
    assert_eq!(result.text_of("controlid"), Some("f1"));
    assert_eq!(
        ok.path(&["control", "controlid"]).unwrap().text,
        "raw-test",
        "echoed"
    );
}

#[tokio::test]
async fn read_by_query_pages_with_result_ids_bound_to_their_session() {
    let fake = fake(0).await;
    let c = fake.config().clone();
    let departments = fake.company().departments.len();
    let too_big = post_xml(
        &fake,
        request(
            &fake,
            &c.sender_password,
            false,
            login(&fake, &c.user_password),
            function("f", department_query("1001")),
        ),
    )
    .await;
    assert_eq!(
        too_big
            .path(&["operation", "result", "status"])
            .unwrap()
            .text,
        "failure"
    );

    // Two sessions.
    let mut sessions = Vec::new();
    for _ in 0..2 {
        let answer = post_xml(
            &fake,
            request(
                &fake,
                &c.sender_password,
                false,
                login(&fake, &c.user_password),
                function("s", Element::new("getAPISession")),
            ),
        )
        .await;
        sessions.push(
            answer
                .path(&["operation", "result", "data", "api", "sessionid"])
                .unwrap()
                .text
                .clone(),
        );
    }
    let by_session =
        |id: &str| Element::new("authentication").child(Element::leaf("sessionid", id));
    let first = post_xml(
        &fake,
        request(
            &fake,
            &c.sender_password,
            false,
            by_session(&sessions[0]),
            function("q", department_query("2")),
        ),
    )
    .await;
    let data = first.path(&["operation", "result", "data"]).unwrap();
    assert_eq!(data.get_attr("count"), Some("2"));
    assert_eq!(
        data.get_attr("totalcount"),
        Some(departments.to_string().as_str())
    );
    assert_eq!(
        data.get_attr("numremaining"),
        Some((departments - 2).to_string().as_str())
    );
    let result_id = data.get_attr("resultId").unwrap().to_string();
    let more = |id: &str| {
        function(
            "m",
            Element::new("readMore").child(Element::leaf("resultId", id)),
        )
    };

    let stolen = post_xml(
        &fake,
        request(
            &fake,
            &c.sender_password,
            false,
            by_session(&sessions[1]),
            more(&result_id),
        ),
    )
    .await;
    let result = stolen.path(&["operation", "result"]).unwrap();
    assert_eq!(result.text_of("status"), Some("failure"));
    assert_eq!(
        errorno(result.find("errormessage").unwrap()),
        RESULT_ID_UNKNOWN_ERRORNO
    );

    let next = post_xml(
        &fake,
        request(
            &fake,
            &c.sender_password,
            false,
            by_session(&sessions[0]),
            more(&result_id),
        ),
    )
    .await;
    let data = next.path(&["operation", "result", "data"]).unwrap();
    assert_eq!(data.children.len(), 2, "readMore keeps the page size");
    assert_ne!(
        data.children[0],
        first
            .path(&["operation", "result", "data"])
            .unwrap()
            .children[0]
    );
}

fn glbatch(reference: &str) -> Element {
    let entry = |account: &str, tr: &str| {
        Element::new("GLENTRY")
            .child(Element::leaf("ACCOUNTNO", account))
            .child(Element::leaf("TR_TYPE", tr))
            .child(Element::leaf("TRX_AMOUNT", "25.00"))
    };
    Element::new("create").child(
        Element::new("GLBATCH")
            .child(Element::leaf("JOURNAL", "GJ"))
            .child(Element::leaf("BATCH_DATE", "06/30/2024"))
            .child(Element::leaf("BATCH_TITLE", "raw"))
            .child(Element::leaf("REFERENCENO", reference))
            .child(
                Element::new("ENTRIES")
                    .child(entry("6000", "1"))
                    .child(entry("1000", "-1")),
            ),
    )
}

#[tokio::test]
async fn a_function_control_id_runs_once_only_with_uniqueid_true() {
    let fake = fake(0).await;
    let c = fake.config().clone();
    let send = |unique: bool, controlid: &str| {
        request(
            &fake,
            &c.sender_password,
            unique,
            login(&fake, &c.user_password),
            function(controlid, glbatch(controlid)),
        )
    };
    let first = post_xml(&fake, send(true, "once")).await;
    let result = first.path(&["operation", "result"]).unwrap();
    assert_eq!(result.text_of("status"), Some("success"));
    assert!(result.path(&["data", "glbatch", "RECORDNO"]).is_some());
    let again = post_xml(&fake, send(true, "once")).await;
    let result = again.path(&["operation", "result"]).unwrap();
    assert_eq!(result.text_of("status"), Some("failure"));
    assert_eq!(
        errorno(result.find("errormessage").unwrap()),
        DUPLICATE_CONTROL_ID_ERRORNO
    );
    assert_eq!(fake.records_per_control_id()["once"], 1);

    post_xml(&fake, send(false, "repeatable")).await;
    post_xml(&fake, send(false, "repeatable")).await;
    assert_eq!(
        fake.records_per_control_id()["repeatable"],
        2,
        "uniqueid=false allows repeats"
    );
}

#[tokio::test]
async fn rest_refuses_missing_tokens_float_amounts_and_oversized_pages() {
    let fake = fake(0).await;
    let c = fake.config().clone();
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}/{path}", fake.rest_url());
    let unauthorised = http
        .post(url("services/core/query"))
        .json(&json!({"object": "general-ledger/account"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorised.status(), 401);
    let body: Value = unauthorised.json().await.unwrap();
    assert_eq!(body["ia::result"]["ia::error"]["code"], "tokenInvalid");

    let token: Value = http
        .post(url("oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &c.client_id),
            ("client_secret", &c.client_secret),
            ("username", &format!("{}@{}", c.user_id, c.company_id)),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = token["access_token"].as_str().unwrap().to_string();

    let oversized = http
        .post(url("services/core/query"))
        .bearer_auth(&bearer)
        .json(&json!({"object": "general-ledger/account", "size": 5000}))
        .send()
        .await
        .unwrap();
    assert_eq!(oversized.status(), 400);

    let float = json!({"glJournal": {"id": "GJ"}, "postingDate": "2024-06-30", "description": "float",
        "lines": [{"txnType": "debit", "txnAmount": 25.0, "glAccount": {"id": "6000"}},
                  {"txnType": "credit", "txnAmount": "25.00", "glAccount": {"id": "1000"}}]});
    let refused = http
        .post(url("objects/general-ledger/journal-entry"))
        .bearer_auth(&bearer)
        .json(&float)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(fake.postings().is_empty());

    let page: Value = http.post(url("services/core/query")).bearer_auth(&bearer)
        .json(&json!({"object": "general-ledger/account", "fields": ["id", "status"], "start": 1, "size": 5}))
        .send().await.unwrap().json().await.unwrap();
    assert_eq!(page["ia::result"].as_array().unwrap().len(), 5);
    assert_eq!(page["ia::meta"]["next"], 6);
    assert_eq!(
        page["ia::result"][0].as_object().unwrap().len(),
        2,
        "only the fields asked for"
    );
}
