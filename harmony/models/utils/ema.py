"""Exponential moving average of student weights into a teacher."""
import torch


@torch.no_grad()
def ema_update(teacher, student, momentum):
    """teacher = momentum * teacher + (1 - momentum) * student, parameter by parameter (same structure)."""
    teacher_params = [p for p in teacher.parameters()]
    student_params = [p.detach() for p in student.parameters()]
    if len(teacher_params) != len(student_params):
        raise ValueError(f'teacher has {len(teacher_params)} parameters, student {len(student_params)}')
    torch._foreach_lerp_(teacher_params, student_params, 1 - momentum)  # one pass over both parameter lists
