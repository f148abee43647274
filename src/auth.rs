//! TEMPORARY stand-in with the agreed API; replaced by the auth branch at merge.
#[derive(Debug, Clone)]
pub struct Principal {
    pub name: String,
}
pub fn principal<T>(request: &tonic::Request<T>) -> Option<&Principal> {
    request.extensions().get::<Principal>()
}
