"""Reference bytes for src/core/export/protobufWriter.ts, from Google's own protobuf runtime.

A message type is declared at run time (no protoc needed) with the field kinds the ONNX
writer uses: int64 (ModelProto.ir_version, TensorProto.dims), string, nested message,
packed repeated float (TensorProto.float_data), packed repeated int64 (AttributeProto.ints)
and a single float (AttributeProto.f). Each case is serialized alone and printed as hex.

Run:  /usr/bin/python3 test/reference/export_protobuf.py   (python3-protobuf 3.21, Debian 12)
and paste the printed object into src/core/export/fixtures/protobufReference.ts.
"""
import json

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto
file = descriptor_pb2.FileDescriptorProto(name="ref.proto", package="ref", syntax="proto2")
inner = file.message_type.add(name="Inner")
inner.field.add(name="a", number=1, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
msg = file.message_type.add(name="Ref")
msg.field.add(name="i64", number=1, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
msg.field.add(name="f", number=2, type=F.TYPE_FLOAT, label=F.LABEL_OPTIONAL)
msg.field.add(name="s", number=3, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
msg.field.add(name="m", number=4, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL, type_name=".ref.Inner")
packed = descriptor_pb2.FieldOptions(packed=True)
msg.field.add(name="floats", number=7, type=F.TYPE_FLOAT, label=F.LABEL_REPEATED, options=packed)
msg.field.add(name="ints", number=8, type=F.TYPE_INT64, label=F.LABEL_REPEATED, options=packed)
pool = descriptor_pool.DescriptorPool()
pool.Add(file)
Ref = message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("ref.Ref"))


def hexof(**fields):
    m = Ref()
    for k, v in fields.items():
        if k == "m":
            m.m.a = v
        elif isinstance(v, list):
            getattr(m, k).extend(v)
        else:
            setattr(m, k, v)
    return m.SerializeToString().hex()


cases = {
    "int64 1 = 2^53 - 1": hexof(i64=2**53 - 1),
    "int64 1 = -1": hexof(i64=-1),
    "int64 1 = -123456789": hexof(i64=-123456789),
    "int64 1 = 2^63 - 1": hexof(i64=2**63 - 1),
    "float 2 = -0.1": hexof(f=-0.1),
    "string 3 = ünïcode": hexof(s="ünïcode"),
    "message 4 { int64 1 = 300 }": hexof(m=300),
    "packed floats 7 = [0.5, -1e-7, 3.4e38, 0]": hexof(floats=[0.5, -1e-7, 3.4e38, 0.0]),
    "packed int64 8 = [0, -2, 2^40, 127, 128]": hexof(ints=[0, -2, 2**40, 127, 128]),
}
print(json.dumps(cases, indent=2, ensure_ascii=False))
