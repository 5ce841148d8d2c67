/// A fast 64-bit hash of a byte range: eight bytes at a time through a SplitMix64 finaliser.
/// Not for security; good enough to spread ids and tags over an open-addressed table.
@inline(__always)
func hashBytes(_ base: UnsafeRawPointer, _ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> UInt64 {
    var h = seed ^ (UInt64(truncatingIfNeeded: count) &* 0xFF51_AFD7_ED55_8CCD)
    var i = 0
    while i &+ 8 <= count {
        h = mix64(h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        i &+= 8
    }
    // The last 0–7 bytes, packed little-endian, read with overlapping loads instead of a loop
    // (the same value the byte-by-byte loop gave, so hashes and generated ids do not change).
    let rest = count &- i
    var tail: UInt64 = 0
    if rest >= 4 {
        let low = UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
        let high = UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)))
        tail = low | high << UInt64((rest &- 4) &* 8)
    } else if rest > 0 {
        let first = UInt64(base.load(fromByteOffset: i, as: UInt8.self))
        let middle = UInt64(base.load(fromByteOffset: i &+ rest / 2, as: UInt8.self))
        let last = UInt64(base.load(fromByteOffset: count &- 1, as: UInt8.self))
        tail = first | middle << UInt64(rest / 2 &* 8) | last << UInt64((rest &- 1) &* 8)
    }
    return mix64(h ^ tail ^ 0x2545_F491_4F6C_DD1D)
}

@inline(__always)
func mix64(_ x: UInt64) -> UInt64 {
    var z = x &* 0xBF58_476D_1CE4_E5B9
    z ^= z >> 31
    z = z &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 29)
}

func hashBytes(_ bytes: [UInt8], seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> UInt64 {
    bytes.withUnsafeBytes { hashBytes($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, $0.count, seed: seed) }
}

/// An open-addressed hash index from a 64-bit hash to entry numbers kept by its owner.
/// Each slot packs the hash's upper half with `entry + 1`, so growing needs no outside help.
/// At most half full by default (short probe runs for the hot small indexes of the parser);
/// the store's big id index allows three quarters (at half, the million ids took 33 MB, not 17).
struct HashIndex: Sendable {
    private var slots: [UInt64]
    private var mask: Int
    private(set) var count = 0
    /// How full the slots may get, in quarters.
    private let maximumLoad: Int

    init(expected: Int = 16, maximumLoadInQuarters: Int = 2) {
        maximumLoad = maximumLoadInQuarters
        var capacity = 16
        while capacity * maximumLoad < expected * 4 { capacity <<= 1 }
        slots = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    /// The entry whose hash is `hash` and for which `isMatch` holds, if any.
    @inline(__always)
    func find(_ hash: UInt64, _ isMatch: (UInt32) -> Bool) -> UInt32? {
        let tag = hash >> 32
        var position = Int(truncatingIfNeeded: tag) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let slot = slots[position]
                if slot == 0 { return nil }
                if slot >> 32 == tag {
                    let entry = UInt32(truncatingIfNeeded: slot) &- 1
                    if isMatch(entry) { return entry }
                }
                position = (position &+ 1) & mask
            }
        }
    }

    /// Records `entry` under `hash`; the caller has checked that no equal entry is present.
    @inline(__always)
    mutating func insert(_ hash: UInt64, entry: UInt32) {
        if (count &+ 1) &* 4 > slots.count &* maximumLoad { grow() }
        let tag = hash >> 32
        var position = Int(truncatingIfNeeded: tag) & mask
        slots.withUnsafeMutableBufferPointer { slots in
            while slots[position] != 0 { position = (position &+ 1) & mask }
            slots[position] = tag << 32 | UInt64(entry &+ 1)
        }
        count &+= 1
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        slots.withUnsafeMutableBufferPointer { slots in
            for slot in old where slot != 0 {
                var position = Int(truncatingIfNeeded: slot >> 32) & mask
                while slots[position] != 0 { position = (position &+ 1) & mask }
                slots[position] = slot
            }
        }
    }
}
