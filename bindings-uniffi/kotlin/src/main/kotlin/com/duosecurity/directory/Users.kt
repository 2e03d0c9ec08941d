// JSON in and out of the Duo user record (the generated data class `User`): sugar over the
// binding's `userFromJson` / `userToJson`, no behaviour of its own.
package com.duosecurity.directory

/** Reads a Duo user from JSON in Duo's own field names; `DuoException.Decode` names the field. */
fun User.Companion.fromJson(text: String): User = userFromJson(text)

/** Writes the user as JSON in Duo's own field names, unknown members included (lossless). */
fun User.toJson(): String = userToJson(this)
