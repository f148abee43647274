//! The REST API client: OAuth 2.0 tokens (client credentials, or a refresh token) renewed when
//! refused, objects created with an idempotency key derived from the proposal id, and reads
//! through the query service, paged by `start`/`next`.

use std::sync::{Arc, Mutex};

use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};

mod wire;

use super::credentials::{Credentials, CredentialsError, Secret};
use super::limits::RateLimiter;
use super::xml::transport;
use super::*;
use wire::*;

/// Header carrying the idempotency key (name UNCONFIRMED in Intacct's docs; 409 is documented).
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// Header choosing the entity of a multi-entity company.
pub const ENTITY_HEADER: &str = "X-IA-API-Param-Entity";

/// A REST client for one company. Clones share the token, limits and connections.
#[derive(Clone)]
pub struct RestLedger {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: IntacctConfig,
    client_id: String,
    client_secret: Secret,
    user_id: Option<String>,
    /// Std mutexes: never held across an await.
    refresh_token: Mutex<Option<Secret>>,
    access_token: Mutex<Option<Secret>>,
    limiter: RateLimiter,
}

impl RestLedger {
    pub fn new(config: IntacctConfig, creds: Credentials) -> Result<Self, CredentialsError> {
        let client_id = Credentials::require(&creds.client_id, "OAuth client id", "client_id")?;
        let client_secret =
            Credentials::require(&creds.client_secret, "OAuth client secret", "client_secret")?;
        if creds.refresh_token.is_none() {
            Credentials::require(&creds.user_id, "user id (or a refresh token)", "user_id")?;
        }
        Ok(RestLedger {
            inner: Arc::new(Inner {
                http: reqwest::Client::builder()
                    .timeout(config.timeout)
                    .connect_timeout(config.timeout)
                    .user_agent(concat!("ledgerline/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .expect("the TLS backend initialises"),
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
                user_id: creds.user_id.clone(),
                refresh_token: Mutex::new(creds.refresh_token.clone()),
                access_token: Mutex::new(None),
                limiter: RateLimiter::new(&config.limits),
                config,
            }),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.inner.config.endpoint)
    }

    fn entity<'a>(&'a self, entity: Option<&'a str>) -> Option<&'a str> {
        entity.or(self.inner.config.entity.as_deref())
    }

    /// A token, fetched when none is held: the refresh token first, then client credentials.
    async fn token(&self) -> Result<Secret, LedgerError> {
        if let Some(token) = self
            .inner
            .access_token
            .lock()
            .expect("not poisoned")
            .clone()
        {
            return Ok(token);
        }
        let refresh = self
            .inner
            .refresh_token
            .lock()
            .expect("not poisoned")
            .clone();
        if let Some(refresh) = refresh {
            let grant = [
                ("grant_type", "refresh_token".to_string()),
                ("refresh_token", refresh.expose().to_string()),
            ];
            match self.fetch_token(&grant).await {
                // A refresh token can be revoked (e.g. by a new authorisation for the same
                // user); with a user id there is still the client-credentials grant.
                Err(LedgerError::Authentication { .. }) if self.inner.user_id.is_some() => {
                    tracing::warn!("the refresh token was refused; using client credentials");
                    *self.inner.refresh_token.lock().expect("not poisoned") = None;
                }
                other => return other,
            }
        }
        let user = self.inner.user_id.as_deref().unwrap_or_default();
        let grant = [
            ("grant_type", "client_credentials".to_string()),
            ("username", format!("{user}@{}", self.inner.config.company)),
        ];
        self.fetch_token(&grant).await
    }

    async fn fetch_token(&self, grant: &[(&str, String)]) -> Result<Secret, LedgerError> {
        let mut form = vec![
            ("client_id", self.inner.client_id.clone()),
            (
                "client_secret",
                self.inner.client_secret.expose().to_string(),
            ),
        ];
        form.extend(grant.iter().cloned());
        let _permit = self.inner.limiter.acquire().await;
        let response = self
            .inner
            .http
            .post(self.url("oauth2/token"))
            .form(&form)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let text = response.text().await.map_err(transport)?;
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(LedgerError::Transient {
                reason: format!("token endpoint: HTTP {status}"),
            });
        }
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if !status.is_success() {
            let message = error_parts(&body).1;
            return Err(LedgerError::Authentication {
                message: format!("HTTP {status}: {message}"),
            });
        }
        let access = body["access_token"]
            .as_str()
            .ok_or_else(|| protocol("a token response without access_token"))?;
        let access = Secret::new(access);
        // Refresh tokens may rotate: keep the newest.
        if let Some(new) = body["refresh_token"].as_str() {
            *self.inner.refresh_token.lock().expect("not poisoned") = Some(Secret::new(new));
        }
        *self.inner.access_token.lock().expect("not poisoned") = Some(access.clone());
        tracing::debug!(company = %self.inner.config.company, "obtained an Intacct access token");
        Ok(access)
    }

    /// One request; `Ok(None)` for 404.
    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        entity: Option<&str>,
        idempotency_key: Option<&str>,
        accounts: &[&str],
    ) -> Result<Option<Value>, LedgerError> {
        let token = self.token().await?;
        let _permit = self.inner.limiter.acquire().await;
        let mut request = self
            .inner
            .http
            .request(method, self.url(path))
            .bearer_auth(token.expose());
        if let Some(entity) = entity {
            request = request.header(ENTITY_HEADER, entity);
        }
        if let Some(key) = idempotency_key {
            request = request.header(IDEMPOTENCY_HEADER, key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let text = response.text().await.map_err(transport)?;
        if status == StatusCode::UNAUTHORIZED {
            let mut held = self.inner.access_token.lock().expect("not poisoned");
            if held.as_ref() == Some(&token) {
                *held = None;
            }
            return Err(LedgerError::SessionExpired);
        }
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(LedgerError::Transient {
                reason: format!("HTTP {status}"),
            });
        }
        if status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| protocol(&format!("HTTP {status}, unreadable JSON: {e}")))?;
        if status.is_success() {
            return Ok(Some(value));
        }
        Err(classify(&value, status, entity, accounts))
    }

    async fn retried(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        entity: Option<&str>,
        idempotency_key: Option<&str>,
        accounts: &[&str],
    ) -> Result<Option<Value>, LedgerError> {
        self.inner
            .config
            .retry
            .run(path, || {
                self.request(
                    method.clone(),
                    path,
                    body,
                    entity,
                    idempotency_key,
                    accounts,
                )
            })
            .await
    }

    /// One page of the query service: rows and the next `start`.
    async fn query_page(
        &self,
        entity: Option<&str>,
        object: &str,
        fields: &[&str],
        filters: Vec<Value>,
        any: bool,
        start: u64,
    ) -> Result<(Vec<Map<String, Value>>, Option<u64>, Option<u64>), LedgerError> {
        let expression = (1..=filters.len())
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(if any { " or " } else { " and " });
        let mut body = json!({"object": object, "fields": fields, "filters": filters,
            "orderBy": [{"key": "asc"}], "start": start, "size": self.inner.config.page_size.clamp(1, 4000)});
        if !expression.is_empty() {
            body["filterExpression"] = json!(expression);
        }
        let value = self
            .retried(
                Method::POST,
                "services/core/query",
                Some(&body),
                entity,
                None,
                &[],
            )
            .await?
            .ok_or_else(|| protocol("the query service is missing (HTTP 404)"))?;
        let rows: Vec<Map<String, Value>> = value["ia::result"]
            .as_array()
            .ok_or_else(|| protocol("a query answer without ia::result rows"))?
            .iter()
            .filter_map(|r| r.as_object().cloned())
            .collect();
        let meta = &value["ia::meta"];
        let next = meta["next"].as_u64();
        let remaining = meta["totalCount"]
            .as_u64()
            .map(|t| t.saturating_sub(start - 1 + rows.len() as u64));
        Ok((rows, next, remaining))
    }

    async fn query_all(
        &self,
        entity: Option<&str>,
        object: &str,
        fields: &[&str],
        filters: Vec<Value>,
    ) -> Result<Vec<Map<String, Value>>, LedgerError> {
        let entity = self.entity(entity);
        let mut rows = Vec::new();
        let mut start = 1;
        loop {
            let (page, next, _) = self
                .query_page(entity, object, fields, filters.clone(), false, start)
                .await?;
            rows.extend(page);
            match next {
                Some(n) if n > start => start = n,
                _ => return Ok(rows),
            }
        }
    }

    async fn post(
        &self,
        entity: Option<&str>,
        proposal_id: &str,
        path: &str,
        body: Value,
        accounts: &[&str],
    ) -> Result<Posted, LedgerError> {
        let entity = self.entity(entity);
        let control_id = control_id(proposal_id);
        let object = format!("objects/{path}");
        match self
            .retried(
                Method::POST,
                &object,
                Some(&body),
                entity,
                Some(&control_id),
                accounts,
            )
            .await
        {
            Ok(value) => {
                let key = value
                    .as_ref()
                    .and_then(|v| v["ia::result"]["key"].as_str())
                    .ok_or_else(|| protocol("a create answer without ia::result.key"))?;
                tracing::info!(path, %control_id, key, "posted to Intacct");
                Ok(Posted {
                    record_no: key.to_string(),
                    control_id,
                    already_posted: false,
                })
            }
            Err(LedgerError::DuplicateControlId { .. }) => {
                let key = self
                    .key_for(entity, path, &control_id)
                    .await?
                    .ok_or_else(|| LedgerError::DuplicateNotFound {
                        control_id: control_id.clone(),
                    })?;
                tracing::info!(path, %control_id, key, "already posted; found the record");
                Ok(Posted {
                    record_no: key,
                    control_id,
                    already_posted: true,
                })
            }
            Err(e) => Err(e),
        }
    }

    async fn key_for(
        &self,
        entity: Option<&str>,
        path: &str,
        control_id: &str,
    ) -> Result<Option<String>, LedgerError> {
        let rows = self
            .query_all(
                entity,
                path,
                &["key"],
                vec![json!({"$eq": {"referenceNumber": control_id}})],
            )
            .await?;
        Ok(rows
            .first()
            .and_then(|r| r.get("key"))
            .and_then(Value::as_str)
            .map(str::to_string))
    }

    async fn read(
        &self,
        entity: Option<&str>,
        path: &str,
        control_id: &str,
    ) -> Result<Option<(String, Value)>, LedgerError> {
        let entity = self.entity(entity);
        let Some(key) = self.key_for(entity, path, control_id).await? else {
            return Ok(None);
        };
        let value = self
            .retried(
                Method::GET,
                &format!("objects/{path}/{key}"),
                None,
                entity,
                None,
                &[],
            )
            .await?;
        Ok(value.map(|v| (key, v["ia::result"].clone())))
    }
}

impl Ledger for RestLedger {
    async fn post_journal_entry(
        &self,
        entity: Option<&str>,
        proposal_id: &str,
        entry: &JournalEntry,
    ) -> Result<Posted, LedgerError> {
        let body = journal_json(
            entry,
            &control_id(proposal_id),
            self.inner.config.glbatch_state,
        );
        let accounts: Vec<&str> = entry.lines.iter().map(|l| l.account.as_str()).collect();
        self.post(
            entity,
            proposal_id,
            "general-ledger/journal-entry",
            body,
            &accounts,
        )
        .await
    }

    async fn post_ap_bill(
        &self,
        entity: Option<&str>,
        proposal_id: &str,
        bill: &ApBill,
    ) -> Result<Posted, LedgerError> {
        let body = bill_json(bill, &control_id(proposal_id));
        let accounts: Vec<&str> = bill.lines.iter().map(|l| l.account.as_str()).collect();
        self.post(
            entity,
            proposal_id,
            "accounts-payable/bill",
            body,
            &accounts,
        )
        .await
    }

    async fn find_journal_entry(
        &self,
        entity: Option<&str>,
        control_id: &str,
    ) -> Result<Option<Stored<JournalEntry>>, LedgerError> {
        let Some((key, v)) = self
            .read(entity, "general-ledger/journal-entry", control_id)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(Stored {
            record_no: key,
            control_id: control_id.to_string(),
            value: JournalEntry {
                journal: v["glJournal"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                posting_date: rest_date(&v, "postingDate")?,
                description: text(&v, "description")?,
                lines: lines(&v, true)?,
            },
        }))
    }

    async fn find_ap_bill(
        &self,
        entity: Option<&str>,
        control_id: &str,
    ) -> Result<Option<Stored<ApBill>>, LedgerError> {
        let Some((key, v)) = self
            .read(entity, "accounts-payable/bill", control_id)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(Stored {
            record_no: key,
            control_id: control_id.to_string(),
            value: ApBill {
                vendor_id: v["vendor"]["id"].as_str().unwrap_or_default().to_string(),
                bill_number: text(&v, "billNumber")?,
                description: text(&v, "description")?,
                posting_date: rest_date(&v, "postingDate")?,
                due_date: rest_date(&v, "dueDate")?,
                lines: lines(&v, false)?,
            },
        }))
    }

    async fn accounts(&self, entity: Option<&str>) -> Result<Vec<Account>, LedgerError> {
        let rows = self
            .query_all(
                entity,
                "general-ledger/account",
                &["key", "id", "name", "status"],
                vec![],
            )
            .await?;
        Ok(listed(&rows)
            .into_iter()
            .map(|(number, title, active)| Account {
                number,
                title,
                active,
            })
            .collect())
    }

    async fn dimension_values(
        &self,
        entity: Option<&str>,
        kind: DimensionKind,
    ) -> Result<Vec<DimensionValue>, LedgerError> {
        let object = match kind {
            DimensionKind::Department => "company-config/department",
            DimensionKind::Location => "company-config/location",
            DimensionKind::Project => "projects/project",
            DimensionKind::Class => "company-config/class",
        };
        let rows = self
            .query_all(entity, object, &["key", "id", "name", "status"], vec![])
            .await?;
        Ok(listed(&rows)
            .into_iter()
            .map(|(id, name, active)| DimensionValue { id, name, active })
            .collect())
    }

    async fn vendors(&self, entity: Option<&str>) -> Result<Vec<Vendor>, LedgerError> {
        let rows = self
            .query_all(
                entity,
                "accounts-payable/vendor",
                &["key", "id", "name", "status"],
                vec![],
            )
            .await?;
        Ok(listed(&rows)
            .into_iter()
            .map(|(id, name, active)| Vendor { id, name, active })
            .collect())
    }

    async fn gl_detail(
        &self,
        entity: Option<&str>,
        since: &SyncPoint,
        continuation: Option<&str>,
    ) -> Result<GlDetailPage, LedgerError> {
        let entity = self.entity(entity);
        let mut filters = vec![json!({"$gt": {"key": since.last_record_no.to_string()}})];
        if let Some(ts) = &since.last_modified {
            filters.push(json!({"$gt": {"audit.modifiedDateTime": ts}}));
        }
        let start = continuation.and_then(|c| c.parse().ok()).unwrap_or(1);
        let (rows, next, remaining) = self
            .query_page(
                entity,
                "general-ledger/journal-entry-line",
                &GL_FIELDS,
                filters,
                true,
                start,
            )
            .await?;
        let records = rows
            .iter()
            .map(|r| history(r, &self.inner.config.company, entity))
            .collect::<Result<_, _>>()?;
        Ok(GlDetailPage {
            records,
            next: next.map(|n| n.to_string()),
            remaining,
        })
    }

    async fn identity(&self, entity: Option<&str>) -> Result<Identity, LedgerError> {
        let entity = self.entity(entity);
        // A one-row query proves the token works and that the entity exists.
        self.query_page(entity, "general-ledger/account", &["key"], vec![], false, 1)
            .await?;
        Ok(Identity {
            company: self.inner.config.company.clone(),
            entity: entity.map(str::to_string),
            user: self
                .inner
                .user_id
                .clone()
                .unwrap_or_else(|| format!("OAuth client {}", self.inner.client_id)),
        })
    }
}
