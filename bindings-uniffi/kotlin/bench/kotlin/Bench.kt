// One listing of every user from a running emulator, in a fresh JVM: with the binding or with
// duo_client_java 0.7.1 (Duo's official Java client: raw requests, org.json, paging by hand).
// Driven by bench/run.py, which measures the process from outside (CPU, peak RSS).
// Usage: Bench binding|duo_client_java|jvm_only HOST IKEY SKEY CA_PEM_PATH [LISTINGS]
package com.duosecurity.directory.bench

import com.duosecurity.client.Admin
import com.duosecurity.directory.Client
import com.duosecurity.directory.ClientOptions
import com.duosecurity.directory.users
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import java.io.File
import java.lang.management.ManagementFactory

fun processCpuNanos(): Long =
    (ManagementFactory.getOperatingSystemMXBean() as com.sun.management.OperatingSystemMXBean).processCpuTime

/** The binding: a Flow over pages of 300, reading each user's username. */
fun listWithBinding(client: Client): Pair<Int, Long> = runBlocking {
    var count = 0
    var chars = 0L
    client.users(pageSize = 300).collect { user ->
        count++
        chars += user.username.length
    }
    Pair(count, chars)
}

/** duo_client_java: one signed request per page, next_offset followed by hand (its own example's loop). */
fun listWithDuoClient(host: String, ikey: String, skey: String, pem: String): Pair<Int, Long> {
    val ca = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(pem.byteInputStream())
    val pin = okhttp3.CertificatePinner.pin(ca)  // its pinning takes `sha256/...` pins of the CA
    var count = 0
    var chars = 0L
    var offset: Int? = 0
    while (offset != null) {
        val request: Admin = Admin.AdminBuilder("GET", host, "/admin/v1/users").build()
        request.useCustomCertificates(arrayOf(pin))
        request.addParam("limit", "300")
        request.addParam("offset", offset.toString())
        request.signRequest(ikey, skey)
        val result = request.executeJSONRequest() as JSONObject
        val users = result.getJSONArray("response")
        for (i in 0 until users.length()) {
            count++
            chars += users.getJSONObject(i).getString("username").length
        }
        val metadata = result.getJSONObject("metadata")
        offset = if (metadata.isNull("next_offset")) null else metadata.getInt("next_offset")
    }
    return Pair(count, chars)
}

fun main(args: Array<String>) {
    val (which, host, ikey, skey, caPath) = args
    val listings = args.getOrNull(5)?.toInt() ?: 1
    val pem = File(caPath).readText()
    val client = if (which == "binding") Client(ikey, skey, host, ClientOptions(caCerts = pem, caPinning = true)) else null
    val cpu = mutableListOf<Double>()
    var users = 0
    repeat(listings) {
        val before = processCpuNanos()
        val (n, _) = when (which) {
            "binding" -> listWithBinding(client!!)
            "duo_client_java" -> listWithDuoClient(host.substringBefore(':'), ikey, skey, pem)
            else -> Pair(0, 0L)
        }
        users = n
        cpu += (processCpuNanos() - before) / 1e9
    }
    println(JSONObject(mapOf("impl" to which, "users" to users, "listing_cpu" to cpu)).toString())
}
