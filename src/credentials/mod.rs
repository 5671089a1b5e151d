//! Signed records that travel: each module credit and certificate as an Open Badges 3.0
//! credential, a person's record as a CLR 2.0 transcript, and each issuer's revocation status
//! list (`model`), secured as compact JWS with the organisation's key (`jws`), made from the
//! ledger (`export`, `store`), served (`pages`) and checked offline (`check`, `cli`). Sits
//! beside `credits`, which it reads; nothing below imports it.

pub mod check;
pub mod cli;
pub mod export;
pub mod jws;
pub mod model;
pub mod pages;
pub mod store;

pub use pages::routes;
