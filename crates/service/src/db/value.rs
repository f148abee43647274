//! The values that cross the database boundary: every column the service stores is an integer
//! or text, so one small type carries parameters in and rows out on both backends.

use super::SqlError;

/// A parameter or a column value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Int(_) => "an integer",
            Value::Text(_) => "text",
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<usize> for Value {
    fn from(v: usize) -> Self {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

impl From<&Option<String>> for Value {
    fn from(v: &Option<String>) -> Self {
        v.as_deref().into()
    }
}

/// One row of a query's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub(super) Vec<Value>);

impl Row {
    fn get(&self, column: usize) -> &Value {
        self.0.get(column).unwrap_or(&Value::Null)
    }

    fn wrong(&self, column: usize, expected: &'static str) -> SqlError {
        SqlError::Type {
            column,
            expected,
            found: self.get(column).kind(),
        }
    }

    pub fn int(&self, column: usize) -> Result<i64, SqlError> {
        match self.get(column) {
            Value::Int(v) => Ok(*v),
            _ => Err(self.wrong(column, "an integer")),
        }
    }

    pub fn text(&self, column: usize) -> Result<String, SqlError> {
        match self.get(column) {
            Value::Text(v) => Ok(v.clone()),
            _ => Err(self.wrong(column, "text")),
        }
    }

    pub fn opt_text(&self, column: usize) -> Result<Option<String>, SqlError> {
        match self.get(column) {
            Value::Null => Ok(None),
            Value::Text(v) => Ok(Some(v.clone())),
            Value::Int(_) => Err(self.wrong(column, "text or NULL")),
        }
    }
}
