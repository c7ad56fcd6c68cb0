// Saves a small minitape module with a tied weight to /tmp/minitape_net.safetensors and prints each
// parameter's sum, for scripts/safetensors_interop.py read to compare against (see scripts/README.md).
import dev.minitape.core.*;
import dev.minitape.nn.*;
import dev.minitape.nn.io.*;
import java.nio.file.*;
import java.util.*;
class Head extends dev.minitape.nn.Module { Head(Parameter tied, Rng r) { parameter("weight", tied); parameter("bias", Parameter.of(Tensor.randn(r, 5))); } }
class Net extends dev.minitape.nn.Module { Net(Rng r) { Parameter e = parameter("embed", Parameter.of(Tensor.randn(r, 5, 3))); parameter("scale", new Parameter(new float[] {0.25f})); module("head", new Head(e, r)); } }
Net net = new Net(new Rng(1));
ModuleIo.save(net, Path.of("/tmp/minitape_net.safetensors"), Map.of("step", "100"));
for (var e : net.namedParameters().entrySet()) { double s = 0; for (float v : e.getValue().toArray()) s += v; System.out.printf("minitape %s %s sum=%.9g%n", e.getKey(), Arrays.toString(e.getValue().shape()), s); }
/exit
