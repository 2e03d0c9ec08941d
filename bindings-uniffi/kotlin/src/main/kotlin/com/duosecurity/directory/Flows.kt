// Protocol sugar over the generated binding (duo_directory.kt): no behaviour of its own.
package com.duosecurity.directory

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * Every user as a cold [Flow]: each collection starts a listing whose pages (of [pageSize],
 * default core's 100) are fetched only as the collector asks for more, one crossing into Rust per
 * page. Cancelling the collecting coroutine cancels the request in flight and ends the listing.
 */
fun Client.users(pageSize: Long? = null): Flow<User> = flow {
    DuoDirectory.installShutdownHook()
    listUsers(pageSize).use { cursor ->
        while (true) {
            val page = cursor.nextPage() ?: break
            for (user in page) emit(user)
        }
    }
}

/**
 * Every group as a cold [Flow], pages of [pageSize] (1..100, default core's 100) fetched only as
 * the collector asks for more, one crossing into Rust per page.
 */
fun Client.groups(pageSize: Long? = null): Flow<Group> = flow {
    DuoDirectory.installShutdownHook()
    listGroups(pageSize).use { cursor ->
        while (true) {
            val page = cursor.nextPage() ?: break
            for (group in page) emit(group)
        }
    }
}

/** The groups of user [userId] as a cold [Flow], like [groups]. */
fun Client.userGroups(userId: String, pageSize: Long? = null): Flow<Group> = flow {
    DuoDirectory.installShutdownHook()
    listUserGroups(userId, pageSize).use { cursor ->
        while (true) {
            val page = cursor.nextPage() ?: break
            for (group in page) emit(group)
        }
    }
}

/** Process-wide hooks of the binding. */
object DuoDirectory {
    private val hook by lazy {
        Runtime.getRuntime().addShutdownHook(Thread({ shutdown() }, "duo-directory-shutdown"))
    }

    /**
     * Stops the library's runtime when the JVM exits, so that no runtime thread calls into a JVM
     * that is shutting down (docs/runtime-boundary.md). [users] installs it; call it yourself
     * when you use the client only through its suspend functions. Idempotent.
     */
    fun installShutdownHook() = hook
}

/** The objects of a directory list as a cold [Flow], one crossing into Rust per page. */
private fun DirectoryCursor.items(): Flow<DirectoryItem> = flow {
    DuoDirectory.installShutdownHook()
    use { cursor ->
        while (true) {
            val page = cursor.nextPage() ?: break
            for (item in page) emit(item)
        }
    }
}

/** Directory users as a cold [Flow]: pages are fetched only as the collector asks for more. */
fun DirectoryClient.users(query: UserQuery? = null): Flow<DirectoryUser> = flow {
    listUsers(query).items().collect { if (it is DirectoryItem.User) emit(it.user) }
}

/** Directory groups as a cold [Flow]. */
fun DirectoryClient.groups(query: GroupQuery? = null): Flow<DirectoryGroup> = flow {
    listGroups(query).items().collect { if (it is DirectoryItem.Group) emit(it.group) }
}

/** Directories as a cold [Flow]. */
fun DirectoryClient.directories(query: DirectoryQuery? = null): Flow<Directory> = flow {
    listDirectories(query).items().collect { if (it is DirectoryItem.Directory) emit(it.directory) }
}

/** Events after `query.after` (the stored cursor) as a cold [Flow], oldest first. */
fun DirectoryClient.events(query: EventQuery? = null): Flow<DirectoryEvent> = flow {
    listEvents(query).items().collect { if (it is DirectoryItem.Event) emit(it.event) }
}

/** [verifyWebhook] over a body received as text (its UTF-8 bytes are what was signed). */
fun verifyWebhook(payload: String, signatureHeader: String, secret: String, tolerance: Double? = null, now: Double? = null): DirectoryEvent =
    verifyWebhook(payload.toByteArray(Charsets.UTF_8), signatureHeader, secret, tolerance, now)
