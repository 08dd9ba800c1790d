#!/usr/bin/python3
"""The PyTorch yardstick for the small models: one MNIST epoch each, as `kindling train` runs it.

The MLP 784-256-10 and LeNet-5 of Kindling's zoo, batch 64, Adadelta(lr=1.0), shuffled, the inputs
normalised as `to_tensor; normalize(0.1307, 0.3081)`, on N threads (default 2). The data is read
from MNIST's IDX files (raw or .gz) into tensors first, so the epoch times the training loop only,
the way a DataLoader over an in-memory TensorDataset does.

    benchmarks/pytorch_small_models.py MNIST_DIR [--threads 2] [--models mlp,lenet5]

Prints, per model, the epoch's examples/s and the test set's loss and accuracy.
"""
import argparse
import gzip
import os
import struct
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">i", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "i" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def find(directory, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise SystemExit(f"{stem}(.gz) not found in {directory}")


def load(directory, split):
    images = idx(find(directory, f"{split}-images-idx3-ubyte")).float().div(255).sub(0.1307).div(0.3081)
    labels = idx(find(directory, f"{split}-labels-idx1-ubyte")).long()
    return images.unsqueeze(1), labels


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 10)

    def forward(self, x):
        return F.log_softmax(self.fc2(F.relu(self.fc1(x.flatten(1)))), dim=1)


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(256, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        x = F.relu(self.fc2(x))
        return F.log_softmax(self.fc3(x), dim=1)


def epoch(model, images, labels, batch):
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
    order = torch.randperm(len(images))
    model.train()
    start = time.perf_counter()
    for i in range(0, len(images), batch):
        index = order[i:i + batch]
        optimizer.zero_grad()
        loss = F.nll_loss(model(images[index]), labels[index])
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def test(model, images, labels):
    model.eval()
    with torch.no_grad():
        output = model(images)
        loss = F.nll_loss(output, labels, reduction="sum").item() / len(images)
        correct = (output.argmax(1) == labels).sum().item()
    return loss, correct


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mnist")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models", default="mlp,lenet5")
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    train_x, train_y = load(args.mnist, "train")
    test_x, test_y = load(args.mnist, "t10k")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, batch {args.batch}")
    for name in args.models.split(","):
        model = {"mlp": Mlp, "lenet5": LeNet5}[name]()
        seconds = epoch(model, train_x, train_y, args.batch)
        loss, correct = test(model, test_x, test_y)
        print(f"{name}: one epoch {seconds:.2f} s, {len(train_x) / seconds:.0f} examples/s; "
              f"Test set: Average loss: {loss:.4f}, Accuracy: {correct}/{len(test_x)}")


if __name__ == "__main__":
    main()
