/**
 * A tiny ONNX graph builder over `onnx-proto` (protobufjs): initialisers, nodes,
 * typed inputs/outputs with symbolic dims, encoded to bytes. Only what the two
 * face-api.js networks need; float32 tensors only.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

type AttrValue = number | number[] | string;

/** Builds one ONNX model. */
export class OnnxGraphBuilder {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly inits: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private counter = 0;

  /**
   * @example
   * ```ts
   * const g = new OnnxGraphBuilder('face_expression');
   * ```
   */
  constructor(private readonly name: string) {}

  /** Adds a float32 initialiser and returns its name. */
  init(name: string, dims: number[], data: Float32Array | number[]): string {
    const f = data instanceof Float32Array ? data : Float32Array.from(data);
    const n = dims.reduce((a, b) => a * b, 1);
    if (f.length !== n) throw new Error(`initialiser ${name}: ${f.length} values for dims [${dims}] (${n})`);
    this.inits.push(
      onnx.TensorProto.create({
        name,
        dims,
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: new Uint8Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength)),
      }),
    );
    return name;
  }

  /** Adds an int64 initialiser (shapes for Reshape) and returns its name. */
  initInt64(name: string, values: number[]): string {
    const b = new BigInt64Array(values.map((v) => BigInt(v)));
    this.inits.push(onnx.TensorProto.create({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(b.buffer) }));
    return name;
  }

  /** Adds a node; returns its (first) output name. */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    const out = output ?? `${op.toLowerCase()}_${this.counter++}`;
    const attribute = Object.entries(attrs).map(([name, v]) => {
      if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(v) });
      if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
      if (Number.isInteger(v)) return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: v });
      return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v });
    });
    this.nodes.push(onnx.NodeProto.create({ opType: op, input: inputs, output: [out], name: out, attribute }));
    return out;
  }

  private valueInfo(name: string, dims: (number | string)[]): InstanceType<typeof onnx.ValueInfoProto> {
    return onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: onnx.TensorShapeProto.create({
            dim: dims.map((d) => (typeof d === 'number' ? onnx.TensorShapeProto.Dimension.create({ dimValue: d }) : onnx.TensorShapeProto.Dimension.create({ dimParam: d }))),
          }),
        }),
      }),
    });
  }

  /** Declares a float32 graph input (dims may be symbolic names). */
  input(name: string, dims: (number | string)[]): string {
    this.inputs.push(this.valueInfo(name, dims));
    return name;
  }

  /** Declares a float32 graph output. */
  output(name: string, dims: (number | string)[]): void {
    this.outputs.push(this.valueInfo(name, dims));
  }

  /** Encodes the model (IR 7, opset 13). */
  encode(docString: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 7,
      producerName: 'affect-bt scripts/convert-models.ts',
      producerVersion: '1',
      docString,
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })],
      graph: onnx.GraphProto.create({ name: this.name, node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs }),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
