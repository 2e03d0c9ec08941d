//! Opening the listening sockets and choosing the host clients are told to use.
//!
//! By default (`bind` = `127.0.0.1`) the emulator listens on `127.0.0.1` and `::1` on the same
//! port and advertises `localhost:PORT`: the one form every client accepts (the official
//! `duo_client` checks certificate DNS names only and refuses `127.0.0.1`), whichever family
//! `localhost` resolves to first. Any other `bind` listens there only and advertises `addr:port`.

use crate::EmulatorError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use tokio::net::TcpListener;

/// Attempts at finding a port free on both loopback addresses.
const PORT_ATTEMPTS: usize = 8;

/// The open sockets and what to advertise.
pub(crate) struct Listening {
    /// One socket per address served.
    pub(crate) listeners: Vec<TcpListener>,
    /// The first socket's address (IPv4 in the default mode).
    pub(crate) addr: SocketAddr,
    /// `localhost:PORT`, or `addr:port` for an explicit bind.
    pub(crate) host: String,
}

fn bind_error(addr: SocketAddr, e: &std::io::Error) -> EmulatorError {
    EmulatorError::Bind { addr, message: e.to_string() }
}

async fn bind_one(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), std::io::Error> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

/// Opens the sockets for `bind`:`port` as the module documentation describes.
pub(crate) async fn listen(bind: IpAddr, port: u16) -> Result<Listening, EmulatorError> {
    if bind != IpAddr::V4(Ipv4Addr::LOCALHOST) {
        let requested = SocketAddr::new(bind, port);
        let (listener, addr) = bind_one(requested).await.map_err(|e| bind_error(requested, &e))?;
        return Ok(Listening { listeners: vec![listener], addr, host: addr.to_string() });
    }
    let mut attempts = 0;
    loop {
        attempts += 1;
        let requested = SocketAddr::new(bind, port);
        let (v4, addr) = bind_one(requested).await.map_err(|e| bind_error(requested, &e))?;
        let v6_addr = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port());
        match bind_one(v6_addr).await {
            Ok((v6, _)) => {
                return Ok(Listening { listeners: vec![v4, v6], addr, host: format!("localhost:{}", addr.port()) });
            }
            // someone else has this port on ::1: with a port of our choosing, pick another
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                if port != 0 || attempts >= PORT_ATTEMPTS {
                    return Err(bind_error(v6_addr, &e));
                }
            }
            // no IPv6 loopback here: serve IPv4 only, as `localhost` if that name reaches it
            Err(e) => {
                tracing::debug!(error = %e, "no IPv6 loopback; serving 127.0.0.1 only");
                let host = if localhost_is_v4(addr.port()).await {
                    format!("localhost:{}", addr.port())
                } else {
                    addr.to_string()
                };
                return Ok(Listening { listeners: vec![v4], addr, host });
            }
        }
    }
}

/// Whether `localhost` resolves to `127.0.0.1` (clients try each address in turn).
async fn localhost_is_v4(port: u16) -> bool {
    match tokio::net::lookup_host(("localhost", port)).await {
        Ok(mut addrs) => addrs.any(|a| a.ip() == IpAddr::V4(Ipv4Addr::LOCALHOST)),
        Err(_) => false,
    }
}
