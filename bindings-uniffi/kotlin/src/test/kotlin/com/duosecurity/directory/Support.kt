package com.duosecurity.directory

import com.duosecurity.directory.testing.Emulator
import com.duosecurity.directory.testing.EmulatorOptions
import org.json.JSONArray
import org.json.JSONObject
import java.io.File

/** The shared vectors (tests/vectors), read by every language's suite. */
fun vector(name: String): String = File(System.getProperty("duo.vectors"), name).readText()

fun vectorJson(name: String): JSONObject = JSONObject(vector(name))

/** A JSON object of parameters (string or array values) as the binding's parameter map. */
fun params(obj: JSONObject): Map<String, ParamValue> = obj.keySet().associateWith { key ->
    when (val v = obj.get(key)) {
        is JSONArray -> ParamValue.Many((0 until v.length()).map { v.getString(it) })
        else -> ParamValue.One(v.toString())
    }
}

const val SECRET = "s3cr3t-ZZZ-never-shown-0123456789abcdefgh"

fun emulator(users: Long = 0, skey: String? = null, tls: Boolean = false): Emulator =
    Emulator(EmulatorOptions(users = users, skey = skey, tls = tls))

/** Every text a user could see of an exception: toString, message and stack. */
fun Throwable.allText(): String = toString() + "\n" + message + "\n" + stackTraceToString()
