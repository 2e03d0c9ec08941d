// The README's Kotlin example (bindings-uniffi/README.md shows this function's body verbatim), as a
// user's code: only the published API, imported by package. caCerts: null trusts the system CAs.
package example

import com.duosecurity.directory.*

suspend fun readmeExample(ikey: String, skey: String, host: String, caCerts: String?) {
Client(ikey, skey, host, ClientOptions(timeout = 10.0, maxRetries = 3, caCerts = caCerts)).use { client ->  // null keeps core's default
    client.users(pageSize = 300).collect { user -> println("${user.username} ${user.status}") }  // pages fetched on demand
    client.updateUser("DU3RP9I2WOC59VZX672N", UserFields(status = "disabled", alias2 = ""))          // "" clears, null leaves as is
    println(client.preview().deleteUser("DU3RP9I2WOC59VZX672N"))                                      // sends nothing
}
}
