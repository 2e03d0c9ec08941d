// The WorkOS Directory User in the names of seed 001's java/kotlin table: class `User` with
// `state: UserState` and `customAttributes: Map<String, Any?>`, in its own package so that it
// does not clash with the Duo user (com.duosecurity.directory.User).
package com.duosecurity.directory.directorysync

import org.json.JSONObject

/** A directory user (the generated record `DirectoryUser`). */
typealias User = com.duosecurity.directory.DirectoryUser

/** `Active` or `Inactive` (`Other` keeps a state this version does not know). */
typealias UserState = com.duosecurity.directory.UserState

/** A directory group as embedded in a directory user. */
typealias Group = com.duosecurity.directory.DirectoryGroup

/** The user's role. */
typealias Role = com.duosecurity.directory.DirectoryRole

/** The provider's custom attributes: JSON objects as maps, arrays as lists, JSON null as null. */
val User.customAttributes: Map<String, Any?>
    get() = JSONObject(customAttributesJson).toMap()

/** Reads a directory user from JSON in the API's own field names. */
fun userFromJson(text: String): User = com.duosecurity.directory.directoryUserFromJson(text)

/** Writes a directory user as JSON in the API's own field names (lossless). */
fun User.toJson(): String = com.duosecurity.directory.directoryUserToJson(this)
