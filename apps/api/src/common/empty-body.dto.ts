/** For routes that take no body: with the global whitelist, any field sent is refused with a 400. */
export class EmptyBodyDto {}
