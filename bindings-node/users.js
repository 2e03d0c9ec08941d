'use strict'
// The `User` class the package hands out, for every call: the addon's native `User` (index.d.ts)
// seen through one JavaScript class with the same getters and methods, generated from it.
//
// Why: a listing of 50,000 users must not cost 50,000 native objects and a native call per field
// read. A listed user is therefore an index into its page's columns (core's `UserColumns`: one
// string of every text field plus typed arrays of offsets, flags and numbers, made in one
// crossing per page); reading a field slices the string, and a field never read is never made.
// Anything beyond the scalars (nested lists, aliases, extra, toJSON, toString) comes from the
// native user, taken from the page the first time it is needed. A user from any other call wraps
// its native user directly. No field is computed here: every value is core's, as it decoded it.
const { inspect } = require('node:util')

const COLUMNS = Symbol('columns')
const PAGE = Symbol('page')
const INDEX = Symbol('index')
const NATIVE = Symbol('native')

const camel = (name) => name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

/** Builds the package's `User` class over the addon's (`binding.User`, `binding.UserRows`). */
function defineUser (binding) {
  const Native = binding.User
  const layout = binding._userColumnLayout()
  const fields = layout.fields.map(camel)
  const { textFields: TEXT, numberFields: NUMBERS, textNull, numberNull, enrolledPresent: PRESENT, enrolled: ENROLLED, undecoded: UNDECODED } = layout

  /** A Duo user (see index.d.ts for its fields). */
  class User {
    constructor (columns, page, index, native) {
      this[COLUMNS] = columns
      this[PAGE] = page
      this[INDEX] = index
      this[NATIVE] = native
    }

    /** Reads a user from JSON text or an object in Duo's own field names (lossless). */
    static fromJSON (input) {
      return fromNative(Native.fromJSON(input))
    }

    [inspect.custom] () {
      return this.toString()
    }
  }

  const nativeOf = (user) => {
    let native = user[NATIVE]
    if (native === undefined) {
      native = user[PAGE].takeUser(user[INDEX])
      user[NATIVE] = native
      user[PAGE] = undefined
    }
    return native
  }
  const fromNative = (native) => new User(null, undefined, 0, native)

  // The scalars: from the page's columns when there are some (a user whose scalars did not
  // decode is flagged, and its native getters throw the DecodeError that says why).
  fields.forEach((name, field) => {
    let read
    if (field < TEXT) {
      const isNull = textNull << field
      read = (c, i, flags) => {
        if (flags & isNull) return null
        const k = 2 * (i * TEXT + field)
        return c.text.slice(c.bounds[k], c.bounds[k + 1])
      }
    } else if (field < TEXT + NUMBERS) {
      const isNull = numberNull << (field - TEXT)
      read = (c, i, flags) => (flags & isNull ? null : c.numbers[i * NUMBERS + field - TEXT])
    } else {
      read = (c, i, flags) => (flags & PRESENT ? (flags & ENROLLED) !== 0 : null)
    }
    Object.defineProperty(User.prototype, name, {
      configurable: true,
      get () {
        const c = this[COLUMNS]
        if (c !== null) {
          const i = this[INDEX]
          const flags = c.flags[i]
          if (!(flags & UNDECODED)) return read(c, i, flags)
        }
        return nativeOf(this)[name]
      }
    })
  })
  // Everything else the native class has, delegated.
  for (const name of Object.getOwnPropertyNames(Native.prototype)) {
    if (name === 'constructor' || fields.includes(name)) continue
    const { get, value } = Object.getOwnPropertyDescriptor(Native.prototype, name)
    if (get) {
      Object.defineProperty(User.prototype, name, { configurable: true, get () { return nativeOf(this)[name] } })
    } else if (typeof value === 'function') {
      Object.defineProperty(User.prototype, name, {
        configurable: true,
        writable: true,
        value: function (...args) { return nativeOf(this)[name](...args) }
      })
    }
  }

  /** The users of a listed page (`UserRows`), in order. */
  const fromRows = (page) => {
    const columns = page.takeColumns()
    const users = new Array(columns.flags.length)
    for (let i = 0; i < users.length; i++) users[i] = new User(columns, page, i, undefined)
    return users
  }

  // What crosses between the addon and callers: native users and listed pages out as `User`s,
  // `User`s in as the native user.
  const out = (value) => {
    if (value instanceof Native) return fromNative(value)
    if (value instanceof binding.UserRows) return fromRows(value)
    if (Array.isArray(value) && value.some((v) => v instanceof Native)) return value.map((v) => (v instanceof Native ? fromNative(v) : v))
    return value
  }
  const into = (value) => {
    if (value instanceof User) return nativeOf(value)
    if (Array.isArray(value) && value.some((v) => v instanceof User)) return value.map((v) => (v instanceof User ? nativeOf(v) : v))
    return value
  }

  /** Makes `fn` (an addon function or method) take and give the package's `User`s. */
  const adapt = (fn) => function (...args) {
    const result = fn.apply(this, args.map(into))
    return result instanceof Promise ? result.then(out) : out(result)
  }

  /** Adapts every method and static function of the addon's classes. */
  const adaptClass = (cls) => {
    for (const target of [cls.prototype, cls]) {
      for (const name of Object.getOwnPropertyNames(target)) {
        if (name === 'constructor' || name === 'prototype') continue
        const descriptor = Object.getOwnPropertyDescriptor(target, name)
        if (typeof descriptor.value === 'function' && descriptor.writable) {
          Object.defineProperty(target, name, { ...descriptor, value: adapt(descriptor.value) })
        }
      }
    }
  }

  return { User, adapt, adaptClass }
}

module.exports = { defineUser }
