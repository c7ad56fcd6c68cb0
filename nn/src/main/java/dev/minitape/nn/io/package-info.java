/**
 * Checkpoints in the safetensors format: {@link dev.minitape.nn.io.SafeTensors} reads and writes files of
 * named tensors (written atomically), and {@link dev.minitape.nn.io.ModuleIo} saves a module's parameters
 * to such a file and loads them back by dotted name. Every malformed file is a
 * {@link dev.minitape.nn.io.SafeTensorsException} naming the file and the problem.
 */
package dev.minitape.nn.io;
