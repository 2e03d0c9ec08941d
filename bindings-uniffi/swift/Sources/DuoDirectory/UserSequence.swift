// Hand-written protocol sugar (the only file of Sources/ that is not generated): the listing as an
// AsyncSequence over the generated UserCursor. Not compiled here (no Swift toolchain, README.md).

/// Every user as an `AsyncSequence`: pages are fetched on demand, one crossing into Rust per page.
public struct UserSequence: AsyncSequence {
    public typealias Element = User
    let cursor: UserCursor

    public func makeAsyncIterator() -> Iterator {
        Iterator(cursor: cursor)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let cursor: UserCursor
        var page: [User] = []
        var index = 0

        public mutating func next() async throws -> User? {
            while index == page.count {
                guard let next = try await cursor.nextPage() else { return nil }
                page = next
                index = 0
            }
            defer { index += 1 }
            return page[index]
        }
    }
}

extension Client {
    /// Every user, `pageSize` (1...300, default core's 100) at a time: `for try await user in client.users()`.
    public func users(pageSize: Int64? = nil) throws -> UserSequence {
        UserSequence(cursor: try listUsers(pageSize: pageSize))
    }
}
