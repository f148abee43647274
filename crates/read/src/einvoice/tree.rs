//! A bounded XML tree for e-invoices. E-invoices arrive from strangers, so the parser refuses
//! what an invoice never needs and an attacker does: a DOCTYPE (the door to entity expansion),
//! entities beyond the five predefined ones, nesting deeper than any schema allows, and more
//! elements than any invoice holds. Names are kept as local names: CII and UBL are matched by
//! their structure, and every producer picks its own namespace prefixes.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use super::EInvoiceError;

/// How much one XML document may cost.
#[derive(Debug, Clone, Copy)]
pub struct XmlLimits {
    /// Bytes of the XML itself.
    pub max_bytes: usize,
    /// Element nesting; EN 16931 documents nest about 8 deep.
    pub max_depth: usize,
    /// Elements in the whole document; a 1,000-line invoice has about 40,000.
    pub max_elements: usize,
}

impl Default for XmlLimits {
    fn default() -> Self {
        XmlLimits {
            max_bytes: 16 << 20,
            max_depth: 64,
            max_elements: 500_000,
        }
    }
}

/// One element: its local name, namespace URI, attributes (local names), children and text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub namespace: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
    pub text: String,
}

impl Node {
    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child with this local name.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Follows a path of child names, taking the first match at each step.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, name| n.child(name))
    }

    /// The trimmed text at the end of a path; an empty element counts as absent.
    pub fn text_at(&self, path: &[&str]) -> Option<String> {
        self.at(path)
            .map(|n| n.text.trim().to_string())
            .filter(|t| !t.is_empty())
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a document within `limits`.
pub fn parse(bytes: &[u8], limits: &XmlLimits) -> Result<Node, EInvoiceError> {
    if bytes.len() > limits.max_bytes {
        return Err(EInvoiceError::TooLarge {
            bytes: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let malformed = |e: &dyn std::fmt::Display| EInvoiceError::Malformed(e.to_string());
    let mut reader = quick_xml::NsReader::from_reader(bytes);
    let mut stack: Vec<Node> = Vec::new();
    let mut elements = 0usize;
    let mut buf = Vec::new();
    loop {
        let (ns, event) = reader
            .read_resolved_event_into(&mut buf)
            .map_err(|e| malformed(&e))?;
        let namespace = match ns {
            quick_xml::name::ResolveResult::Bound(n) => String::from_utf8_lossy(n.as_ref()).into(),
            _ => String::new(),
        };
        if matches!(event, Event::Start(_) | Event::Empty(_)) {
            elements += 1;
            if elements > limits.max_elements {
                return Err(EInvoiceError::Limit(format!(
                    "more than {} elements",
                    limits.max_elements
                )));
            }
        }
        match event {
            Event::Start(start) => {
                if stack.len() >= limits.max_depth {
                    return Err(EInvoiceError::Limit(format!(
                        "elements nested deeper than {}",
                        limits.max_depth
                    )));
                }
                stack.push(open(&start, namespace)?);
            }
            Event::Empty(start) => {
                let node = open(&start, namespace)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => return Ok(node),
                }
            }
            Event::End(_) => {
                let done = stack
                    .pop()
                    .ok_or_else(|| EInvoiceError::Malformed("unbalanced closing tag".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Ok(done),
                }
            }
            Event::Text(text) => {
                if let Some(top) = stack.last_mut() {
                    top.text
                        .push_str(&text.decode().map_err(|e| malformed(&e))?);
                }
            }
            Event::CData(data) => {
                if let Some(top) = stack.last_mut() {
                    top.text
                        .push_str(&data.decode().map_err(|e| malformed(&e))?);
                }
            }
            Event::GeneralRef(reference) => {
                let top = stack.last_mut().ok_or_else(|| {
                    EInvoiceError::Malformed("an entity outside the root element".into())
                })?;
                if let Some(ch) = reference.resolve_char_ref().map_err(|e| malformed(&e))? {
                    top.text.push(ch);
                } else {
                    let name = reference.decode().map_err(|e| malformed(&e))?;
                    let value = resolve_predefined_entity(&name).ok_or_else(|| {
                        EInvoiceError::Forbidden(format!(
                            "the entity &{name}; (only the five predefined XML entities are read)"
                        ))
                    })?;
                    top.text.push_str(value);
                }
            }
            Event::DocType(_) => {
                return Err(EInvoiceError::Forbidden(
                    "a DOCTYPE declaration (e-invoices have none; it can expand entities)".into(),
                ));
            }
            Event::Eof => {
                return Err(EInvoiceError::Malformed(
                    "the document ended before its root element closed".into(),
                ));
            }
            _ => {}
        }
        buf.clear();
    }
}

fn open(start: &BytesStart<'_>, namespace: String) -> Result<Node, EInvoiceError> {
    let malformed = |e: &dyn std::fmt::Display| EInvoiceError::Malformed(e.to_string());
    let local = start.local_name();
    let name = std::str::from_utf8(local.as_ref())
        .map_err(|e| malformed(&e))?
        .to_string();
    let mut node = Node {
        name,
        namespace,
        ..Node::default()
    };
    for attr in start.attributes() {
        let attr = attr.map_err(|e| malformed(&e))?;
        let key = std::str::from_utf8(attr.key.local_name().as_ref())
            .map_err(|e| malformed(&e))?
            .to_string();
        let value = attr.unescape_value().map_err(|e| malformed(&e))?;
        node.attrs.push((key, value.into_owned()));
    }
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_default(xml: &str) -> Result<Node, EInvoiceError> {
        parse(xml.as_bytes(), &XmlLimits::default())
    }

    #[test]
    fn local_names_namespaces_and_entities() {
        let root = parse_default(
            r#"<?xml version="1.0"?><a:Inv xmlns:a="urn:x" xmlns:b="urn:y"><b:Name k="1">A &amp; B &#x1F600;</b:Name><b:E/></a:Inv>"#,
        )
        .unwrap();
        assert_eq!(root.name, "Inv");
        assert_eq!(root.namespace, "urn:x");
        let name = root.child("Name").unwrap();
        assert_eq!(name.namespace, "urn:y");
        assert_eq!(name.text, "A & B 😀");
        assert_eq!(name.attr("k"), Some("1"));
        assert!(root.child("E").is_some());
    }

    #[test]
    fn refuses_what_an_invoice_never_needs() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>"#;
        assert!(matches!(
            parse_default(bomb),
            Err(EInvoiceError::Forbidden(_))
        ));
        let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
        assert!(matches!(parse_default(&deep), Err(EInvoiceError::Limit(_))));
        let wide = format!("<r>{}</r>", "<a/>".repeat(100));
        let limits = XmlLimits {
            max_elements: 50,
            ..XmlLimits::default()
        };
        assert!(matches!(
            parse(wide.as_bytes(), &limits),
            Err(EInvoiceError::Limit(_))
        ));
        assert!(matches!(
            parse_default("<r><a></r>"),
            Err(EInvoiceError::Malformed(_))
        ));
        assert!(matches!(
            parse_default("<r>"),
            Err(EInvoiceError::Malformed(_))
        ));
        assert!(matches!(
            parse_default("<r>&undefined;</r>"),
            Err(EInvoiceError::Forbidden(_))
        ));
    }
}
